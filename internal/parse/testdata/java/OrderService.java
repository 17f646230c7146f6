/*
 * Copyright notice: not a doc comment of the package.
 */

package com.example.shop.orders;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.*;
import java.util.function.Function;
import static java.util.Objects.requireNonNull;
import static org.junit.Assert.*;
import com.example.shop.events.EventBus;

/**
 * Coordinates order placement.
 *
 * @author shop-team
 */
@Service("orders")
public class OrderService extends AbstractService<Order> implements OrderApi, java.io.Closeable {

    /** Maximum retries per order. */
    public static final int MAX_RETRIES = 3;
    private static final Map<String, Integer> DEFAULTS = Map.of("qty", 1);
    private final List<Order> pending = new ArrayList<>();
    protected EventBus bus = EventBus.create(OrderService.class);
    int attempts, failures;
    private final Function<Order, String> describer = o -> o.getId() + ":" + format(o);

    /** Creates a service publishing to bus. */
    @Inject
    public OrderService(EventBus bus) {
        super("orders");
        this.bus = requireNonNull(bus);
    }

    OrderService() {
        this(EventBus.create(OrderService.class));
    }

    /**
     * Places an order.
     */
    @Override
    public Receipt place(Order order) throws OrderException {
        validate(order);
        Receipt receipt = new Receipt(order.getId(), System.currentTimeMillis());
        bus.publish(new OrderPlaced(order));
        pending.add(order);
        pending.stream().filter(o -> o.isExpired()).forEach(this::expire);
        return receipt;
    }

    public Receipt place(Order order, int priority) {
        return place(order.withPriority(priority));
    }

    private void validate(Order order) {
        if (order.getItems().isEmpty()) {
            throw new OrderException("empty order " + order.getId());
        }
        Runnable audit = () -> Audit.log("validated", order);
        audit.run();
    }

    private void expire(Order order) {
        ExecutorService exec = Executors.newSingleThreadExecutor();
        exec.submit(new Runnable() {
            @Override
            public void run() {
                bus.publish(new OrderExpired(order));
            }
        });
    }

    static String format(Order order) {
        return String.format("%s x%d", order.getId(), order.getItems().size());
    }

    @Override
    public void close() {
        super.close();
        OrderService.this.pending.clear();
    }

    /** Result of a placement. */
    public static class Receipt {
        private final String orderId;
        private final long at;

        Receipt(String orderId, long at) {
            this.orderId = orderId;
            this.at = at;
        }

        public String orderId() {
            return orderId;
        }
    }
}
