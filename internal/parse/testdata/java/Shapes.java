package com.example.geometry;

import java.io.IOException;
import java.io.Reader;
import java.io.BufferedReader;
import java.util.*;
import java.util.stream.Collectors;

/** A shape with an area. */
public interface Shape extends Comparable<Shape>, java.io.Serializable {
    /** Unit circle radius. */
    double UNIT = 1.0;

    double area();

    /** Orders shapes by area. */
    Comparator<Shape> BY_AREA = (a, b) -> Double.compare(a.area(), b.area());

    /** Compares by area. */
    @Override
    default int compareTo(Shape other) {
        return Double.compare(area(), other.area());
    }

    static Shape parse(String spec) {
        return Parser.INSTANCE.parseOne(spec);
    }

    private void check() {}

    /** Kinds of shapes. */
    enum Kind implements Describable {
        CIRCLE("c") {
            @Override
            public String describe() {
                return "round " + code;
            }
        },
        SQUARE("s"),
        ;

        private final String code;

        Kind(String code) {
            this.code = code;
        }

        public String describe() {
            return name().toLowerCase();
        }
    }
}

interface Describable {
    String describe();
}

/** Marks experimental shapes. */
@interface Experimental {
    String since() default "1.0";
    int LEVEL = 2;
}

@Experimental(since = "2.0")
record Circle(double radius, Point center) implements Shape {
    Circle {
        if (radius < 0) throw new IllegalArgumentException("radius");
    }

    static Circle unit() {
        return new Circle(UNIT, Point.ORIGIN);
    }

    public double area() {
        return Math.PI * radius * radius;
    }
}

final class Parser {
    static final Parser INSTANCE = new Parser();
    private static final Map<String, java.util.function.Function<double[], Shape>> FACTORIES = new HashMap<>();

    static {
        FACTORIES.put("circle", args -> new Circle(args[0], Point.ORIGIN));
    }

    Shape parseOne(String spec) {
        String[] parts = spec.split(":");
        return FACTORIES.getOrDefault(parts[0], a -> Circle.unit()).apply(new double[] {1});
    }

    <T extends Shape & Describable> List<T> sorted(Collection<? extends T> in) {
        List<T> out = new ArrayList<>(in);
        Collections.sort(out);
        return Collections.<T>unmodifiableList(out);
    }

    List<Shape> readAll(Reader source) throws IOException {
        try (BufferedReader br = new BufferedReader(source)) {
            return br.lines().map(this::parseOne).collect(Collectors.toList());
        } catch (IllegalStateException | UncheckedIOException e) {
            throw new IOException(e);
        }
    }

    static String label(Object o) {
        return switch (o) {
            case Circle c when c.radius() > 10 -> "big " + label(c.center());
            case Circle(double r, Point p) -> "circle";
            default -> o instanceof Shape s ? "shape " + s.area() : String.valueOf(o);
        };
    }

    static final class Box<T extends Comparable<T>> {
        private T value;

        T get(@Nullable String reason) {
            return value;
        }
    }

    class Cache {
        private final Map<String, Shape> entries = new LinkedHashMap<>(16, 0.75f, true);

        Shape get(String key) {
            class Miss extends RuntimeException {
                Miss() { super(key); }
            }
            return entries.computeIfAbsent(key, Parser.this::parseOne);
        }
    }
}
