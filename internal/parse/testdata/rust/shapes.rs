//! Geometry primitives: traits, generics, closures and nested modules.

use std::f64::consts::PI;
use std::fmt::{self, Debug, Display};

/// Anything with an area.
pub trait Shape: Debug + Send {
    /// Default scale factor.
    const SCALE: f64 = 1.0;
    type Unit;

    /// The area of the shape.
    #[must_use]
    fn area(&self) -> f64;

    /// Area multiplied by the scale.
    fn scaled_area(&self) -> f64 {
        self.area() * Self::SCALE
    }
}

trait Named: PartialEq<Self> {
    fn name(&self) -> String;
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Circle {
    pub radius: f64,
}

#[derive(Debug)]
pub struct Rect(pub f64, pub f64);

/// Shapes known to the renderer.
#[derive(Debug)]
pub enum Kind {
    Circle(Circle),
    Rect { width: f64, height: f64 },
    Empty,
}

impl Circle {
    pub const UNIT: Circle = Circle { radius: 1.0 };

    pub fn new(radius: f64) -> Self {
        Circle { radius }
    }
}

impl Shape for Circle {
    type Unit = f64;

    fn area(&self) -> f64 {
        PI * self.radius.powi(2)
    }
}

impl Shape for Rect {
    type Unit = f64;

    #[inline]
    fn area(&self) -> f64 {
        self.0 * self.1
    }
}

impl Display for Circle {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        write!(f, "circle r={}", self.radius)
    }
}

impl From<f64> for Circle {
    fn from(radius: f64) -> Self {
        Circle::new(radius)
    }
}

impl Named for Circle {
    fn name(&self) -> String {
        String::from("circle")
    }
}

/// Sums the areas of all shapes.
pub fn total_area<S: Shape + ?Sized>(shapes: &[Box<S>]) -> f64 {
    shapes.iter().map(|s| s.area()).sum()
}

pub fn largest<'a>(shapes: &'a [&'a dyn Shape<Unit = f64>]) -> Option<&'a dyn Shape<Unit = f64>> {
    let by_area = |a: &&&dyn Shape<Unit = f64>, b: &&&dyn Shape<Unit = f64>| {
        a.area().partial_cmp(&b.area()).unwrap()
    };
    shapes.iter().max_by(by_area).copied()
}

pub(crate) fn describe(kind: &Kind) -> impl Display + '_ {
    match kind {
        Kind::Circle(c) => format!("{}", c.name()),
        Kind::Rect { width, height } => format!("{}x{}", width, height),
        Kind::Empty => String::new(),
    }
}

pub mod render {
    pub mod svg {
        use super::super::{Circle, Shape};

        /// Renders a circle as an SVG element.
        pub fn circle(c: &Circle) -> String {
            let area = c.area();
            let helper = move || crate::util::round(area);
            format!("<circle r=\"{}\" data-area=\"{}\"/>", c.radius, helper())
        }
    }
}
