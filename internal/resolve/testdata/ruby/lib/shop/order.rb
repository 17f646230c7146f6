module Shop
  class Order
    def initialize(id)
      @id = id
    end

    def ship
    end

    def self.find(id)
      new(id)
    end
  end
end
