package x;

public class Owner {
    public String name() {
        return "owner";
    }

    static Owner of() {
        return new Owner();
    }
}
