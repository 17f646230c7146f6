public class Entity {
    public func touch() {}
}

public final class Order: Entity {
    public let id: Int

    public init(id: Int) {
        self.id = id
        super.init()
    }

    public func ship() -> Bool { true }

    public static func find(id: Int) -> Order? { Order(id: id) }
}

public struct Logger {
    public func log(_ s: String) {}
}
