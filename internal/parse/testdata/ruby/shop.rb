require "json"
require_relative "models/order"

# Shop holds the order logic.
module Shop
  VERSION = "1.0"

  # Places orders.
  class OrderService < BaseService
    include Enumerable
    attr_reader :repo

    def initialize(repo)
      @repo = repo
      @count = 0
    end

    # Place stores a new order.
    def place(id, total)
      order = Order.new(id, total)
      @repo.save(order)
      log("placed")
      self.audit(order)
      JSON.generate(order.to_h)
      Models::Order.find(id)
      order
    end

    def self.build
      new(Repo.new)
    end

    private

    def log(msg)
      puts msg
    end

    def audit(order); end
  end

  class Repo
    def save(order)
      order.ship!
    end
  end
end

def helper(x)
  x.to_s
end

def double
  body = Object.new
  def body.close
    true
  end
  body
end
