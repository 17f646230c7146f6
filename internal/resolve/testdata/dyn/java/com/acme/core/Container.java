package com.acme.core;

public interface Container {
    boolean has(Object o);
}
