package com.acme.core;

public class Views {
    abstract static class View implements Container {
        public boolean has(Object o) {
            return false;
        }
    }

    static final class Keys extends View implements Container {
        public boolean check(Object o) {
            return has(o);
        }
    }
}
