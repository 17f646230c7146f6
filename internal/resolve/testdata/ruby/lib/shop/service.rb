require_relative "order"

module Shop
  class Service
    def place(id)
      o = Order.new(id)
      o.ship
      Order.find(id)
      helper()
      self.helper
      format("%d", id)
      JSON.generate(id)
    end

    def helper
    end

    def relay(order, list)
      order.ship
      list.each
    end
  end
end
