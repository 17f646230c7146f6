package com.acme.core;

public class Circle extends Base {
    public double area() {
        return 1;
    }

    public void draw() {
        super.log();
        log();
    }
}
