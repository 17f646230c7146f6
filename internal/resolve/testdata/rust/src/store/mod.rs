use super::util::slugify;

pub struct Store {
    items: Vec<(String, i32)>,
}

impl Store {
    pub fn new() -> Self {
        Store { items: Vec::new() }
    }

    pub fn put(&mut self, k: &str, v: i32) {
        let key = slugify(k);
        self.items.push((key, v));
        self.check();
    }

    pub fn len(&self) -> usize {
        self.items.len()
    }

    fn check(&self) {
        let _ = Self::new();
    }
}
