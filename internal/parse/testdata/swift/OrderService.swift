import Foundation
@testable import ShopModels

/// Stores orders.
public protocol OrderRepository: Repository {
    func find(id: Int) -> Order?
    func save(_ order: Order)
    var count: Int { get }
}

enum Status: String {
    case open, closed
    case archived

    func label() -> String { rawValue }
}

struct OrderPlaced: Equatable {
    let id: Int
    let total: Double
}

typealias OrderId = Int

let maxOrders = 100

/// Places and looks up orders.
open class OrderService: ServiceBase, Closeable {
    private let repo: OrderRepository
    internal var placedCount = 0
    fileprivate var cache: [Int: Order] = [:]

    init(repo: OrderRepository) {
        self.repo = repo
        super.init()
    }

    convenience init() {
        self.init(repo: MemoryRepository())
    }

    deinit {
        close()
    }

    // Places one order.
    public func place(_ order: Order) -> OrderPlaced {
        let placed: OrderPlaced = OrderPlaced(id: order.id, total: order.total())
        let audit = Auditor()
        repo.save(order)
        audit.record(placed)
        self.notify(placed)
        return placed
    }

    func notify(_ event: OrderPlaced) {
        log("placed \(event.id)")
        repo.find(id: event.id)?.total()
    }

    static func make() -> OrderService {
        return OrderService(repo: MemoryRepository())
    }
}

extension OrderService: CustomStringConvertible {
    public var description: String { "OrderService" }

    func placeAll(_ orders: [Order]) {
        orders.forEach { place($0) }
    }
}

actor Counter {
    private var value = 0
    func increment() -> Int {
        value += 1
        return value
    }
}

private func log(_ msg: String) {
    print(msg)
}
