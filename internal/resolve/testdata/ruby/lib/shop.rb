require "json"
require_relative "shop/service"
