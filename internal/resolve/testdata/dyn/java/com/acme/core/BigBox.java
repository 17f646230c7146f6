package com.acme.core;

public class BigBox extends Box {
    Box inner() {
        return new Box();
    }
}
