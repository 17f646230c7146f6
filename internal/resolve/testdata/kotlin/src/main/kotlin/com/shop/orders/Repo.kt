package com.shop.orders

import com.shop.model.Order

interface Repo {
    fun save(order: Order)
}

fun audit(msg: String) {}
