pub fn slugify(s: &str) -> String {
    s.to_lowercase().replace(' ', "-")
}
