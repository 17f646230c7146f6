package com.acme.core;

public interface Shape {
    double area();
}
