pub struct Router {
    paths: Vec<String>,
}

impl Router {
    pub fn new() -> Self {
        Router { paths: Vec::new() }
    }

    pub fn route(self, _path: &str) -> Self {
        self
    }
}
