mod shapes;

use crate::shapes::{Circle, Shape};

pub fn run(c: &Circle, other: &dyn Shape) -> f64 {
    let d = Circle::new(2.0);
    let e: Circle = Circle::new(1.0);
    d.describe();
    e.area();
    Shape::area(&d);
    other.area();
    c.radius()
}

mod ops;

pub fn grow(c: &Circle) -> Circle {
    c.scaled(2.0)
}
