import Foundation
import Core

protocol Repo {
    func save(_ order: Order)
}

final class OrderService {
    private let repo: Repo
    private let logger = Logger()

    init(repo: Repo) {
        self.repo = repo
    }

    func place(id: Int) -> Order {
        let o = Order(id: id)
        let found: Order? = Order.find(id: id)
        o.ship()
        found?.total()
        repo.save(o)
        self.helper()
        helper()
        logger.flush()
        audit("placed")
        print("placed")
        o.touch()
        Date()
        Order.find(id: id)?.ship()
        return o
    }

    func relay(_ order: Order) {
        order.ship()
    }

    private func helper() {}
}

func audit(_ s: String) {}
