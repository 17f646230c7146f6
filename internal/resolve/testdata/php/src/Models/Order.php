<?php

namespace App\Models;

class Order
{
    public function __construct(int $id) {}

    public function ship(): void {}

    public static function find(int $id): Order
    {
        return new Order($id);
    }
}
