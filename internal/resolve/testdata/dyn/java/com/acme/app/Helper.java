package com.acme.app;

class Helper {
    void help() {}

    double area() {
        return 0;
    }
}
