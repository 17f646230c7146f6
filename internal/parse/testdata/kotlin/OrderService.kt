package com.shop.orders

import com.shop.model.Order
import com.shop.util.*
import kotlin.collections.HashMap as Cache

/** Stores orders. */
interface OrderRepository : Repository {
    fun find(id: Int): Order?
    fun save(order: Order)
}

enum class Status {
    OPEN, CLOSED;

    fun label(): String = name.lowercase()
}

data class OrderPlaced(val id: Int, val total: Double)

typealias OrderId = Int

const val MAX_ORDERS = 100

/**
 * Places and looks up orders.
 */
open class OrderService(private val repo: OrderRepository, name: String) : ServiceBase(name), AutoCloseable {
    internal var count: Int = 0
    private val cache = Cache<Int, Order>()

    constructor(repo: OrderRepository) : this(repo, "orders")

    // Places one order.
    fun place(order: Order): OrderPlaced {
        val placed: OrderPlaced = OrderPlaced(order.id, order.total())
        val audit = Auditor()
        repo.save(order)
        audit.record(placed)
        this.notify(placed)
        cache[order.id] = order
        return placed
    }

    protected open fun notify(event: OrderPlaced) {
        log("placed ${event.id}")
        repo?.find(event.id)!!.total()
    }

    override fun close() {
        super.close()
    }

    companion object {
        fun create(repo: OrderRepository): OrderService = OrderService(repo)
    }
}

object Registry : Lookup {
    private val services = mutableListOf<OrderService>()

    fun register(s: OrderService) {
        services.add(s)
    }
}

fun OrderService.placeAll(orders: List<Order>) {
    orders.forEach { place(it) }
}

private fun log(msg: String) = println(msg)
