pub trait Shape {
    fn area(&self) -> f64;

    fn describe(&self) -> String {
        format!("{}", self.area())
    }
}

pub struct Circle {
    r: f64,
}

impl Circle {
    pub fn new(r: f64) -> Self {
        Circle { r }
    }

    pub fn radius(&self) -> f64 {
        self.r
    }
}

impl Shape for Circle {
    fn area(&self) -> f64 {
        3.14 * self.r * self.r
    }
}

pub struct Square;

impl Square {
    pub fn radius(&self) -> f64 {
        0.0
    }
}
