package com.shop.app;

import com.shop.model.Order;
import java.util.List;

public class Shop {
    private final Ledger ledger = new Ledger();

    public int sum(List<Order> orders) {
        int s = 0;
        for (Order o : orders) {
            if (o.valid()) {
                s += o.total();
            }
        }
        record(s);
        Order.empty();
        return s;
    }

    private void record(int s) {
        ledger.add(s);
    }
}
