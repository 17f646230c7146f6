pub struct Stack {
    items: Vec<u32>,
}

impl Stack {
    pub fn new() -> Stack {
        Stack { items: Vec::new() }
    }

    pub fn push(&mut self, v: u32) {
        self.items.push(v);
    }
}

pub fn make(v: Vec<u32>, name: String) -> Box<u32> {
    let s = String::from("x");
    v.len();
    name.len();
    drop(s);
    let _d: Option<u32> = Default::default();
    Box::new(1)
}

/// A type of the crate named like a prelude one wins over it.
pub struct Result;

impl Result {
    pub fn ok(&self) {}
}

pub fn local(r: Result) {
    r.ok();
}
