@testable import App
import Core

final class OrderServiceTests {
    func testPlace() {
        let logger = Logger()
        logger.flush()
        let s = OrderService(repo: MemoryRepo())
        s.place(id: 1)
    }
}

struct MemoryRepo: Repo {
    func save(_ order: Order) {}
}
