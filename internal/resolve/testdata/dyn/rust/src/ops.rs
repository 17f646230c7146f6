use crate::shapes::Circle;

impl Circle {
    pub fn scaled(&self, k: f64) -> Circle {
        Circle::new(self.radius() * k)
    }
}
