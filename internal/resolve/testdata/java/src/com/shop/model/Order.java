package com.shop.model;

public class Order {
    private final int total;

    public Order(int total) {
        this.total = total;
    }

    public int total() {
        return total;
    }

    public boolean valid() {
        return total() >= 0;
    }

    public static Order empty() {
        return new Order(0);
    }
}
