package x;

class OwnerTests {
    void names() {
        Owner o = new Owner();
        o.name();
        Owner.of();
    }
}
