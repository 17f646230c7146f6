package com.shop.app;

class Ledger {
    void add(int amount) {
    }
}
