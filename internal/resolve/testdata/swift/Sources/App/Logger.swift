struct Logger {
    func log(_ s: String) {}
    func flush() {}
}
