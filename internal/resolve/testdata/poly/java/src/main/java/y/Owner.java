package y;

public class Owner {
    public String name() {
        return "other";
    }
}
