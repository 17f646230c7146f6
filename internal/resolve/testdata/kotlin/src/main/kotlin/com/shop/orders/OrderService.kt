package com.shop.orders

import com.shop.model.Order
import com.shop.util.*
import java.time.Instant as Moment

class OrderService(private val repo: Repo) {
    private val clock = Clock()

    fun place(id: Int): Order {
        val o = Order(id)
        val found: Order? = Order.find(id)
        o.ship()
        found?.total()
        repo.save(o)
        this.helper()
        helper()
        audit(slug("x"))
        clock.now()
        println("placed")
        Moment.now()
        o.touch()
        Order.find(id).total()
        listOf(o).first().ship()
        require(id > 0)
        return o
    }

    fun relay(order: Order) {
        order.ship()
        order.id.toString()
    }

    private fun helper() {}
}
