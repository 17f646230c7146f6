package com.acme.core;

public abstract class Base implements Shape {
    public void log() {}

    public static Base of() {
        return null;
    }
}
