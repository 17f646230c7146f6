package com.acme.core;

public class Box {
    public Box() {}
}
