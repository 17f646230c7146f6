<?php

namespace App\Services;

use App\Models\Order;
use App\Contracts\{Repository, Logger as Log};
use function App\Support\helper;

/**
 * Places orders.
 */
final class OrderService extends BaseService implements Repository, \Countable
{
    use LogsEvents;

    public const VERSION = "1.0";

    private Repository $repo;
    protected int $count = 0;

    public function __construct(Repository $repo, private Log $log)
    {
        parent::__construct();
        $this->repo = $repo;
    }

    /**
     * Place stores a new order.
     */
    public function place(int $id, float $total): Order
    {
        $order = new Order($id, $total);
        $this->repo->save($order);
        $this->log->info("placed");
        self::audit($order);
        static::audit($order);
        Order::find($id);
        helper($order);
        \strlen("x");
        return $order;
    }

    private static function audit(Order $order): void
    {
        $order->ship();
    }

    public function count(): int
    {
        return $this->count;
    }
}

interface Shippable
{
    public function ship(): void;
}

trait LogsEvents
{
    public function event(string $name): void {}
}

enum Status: string
{
    case Open = 'open';
    public function label(): string { return ucfirst($this->value); }
}

function format_total(float $t): string
{
    return number_format($t, 2);
}
