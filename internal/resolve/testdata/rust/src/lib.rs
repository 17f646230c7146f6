pub mod store;
pub mod util;

use crate::store::Store;
use std::collections::HashMap;

pub fn run() -> usize {
    let mut s = Store::new();
    s.put("a", 1);
    let m: HashMap<String, i32> = HashMap::new();
    util::slugify("A b");
    helper();
    m.len() + s.len()
}

fn helper() {}
