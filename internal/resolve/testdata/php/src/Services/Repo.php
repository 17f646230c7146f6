<?php

namespace App\Services;

use App\Models\Order;

interface Repo
{
    public function save(Order $o): void;
}
