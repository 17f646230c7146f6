pub fn body() -> u32 {
    0
}
