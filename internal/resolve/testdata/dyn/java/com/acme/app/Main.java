package com.acme.app;

import com.acme.core.Base;
import com.acme.core.Circle;

public class Main {
    private Circle c = new Circle();

    void run(Circle p, Object other) {
        p.area();
        p.log();
        c.draw();
        var q = new Circle();
        q.draw();
        Base.of();
        Helper h = new Helper();
        h.help();
        other.area();
    }
}
