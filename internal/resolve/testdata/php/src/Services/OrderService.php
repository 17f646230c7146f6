<?php

namespace App\Services;

use App\Models\Order;
use GuzzleHttp\Client;

class OrderService
{
    public function __construct(private Repo $repo) {}

    public function place(int $id): Order
    {
        $o = new Order($id);
        $o->ship();
        Order::find($id);
        $this->repo->save($o);
        $this->helper();
        strlen("x");
        $c = new Client();
        $c->get("/");
        return $o;
    }

    private function helper(): void {}
}
