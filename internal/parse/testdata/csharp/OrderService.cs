using System;
using System.Collections.Generic;
using Shop.Models;
using Json = System.Text.Json.JsonSerializer;

namespace Shop.Services
{
    /// <summary>Stores orders.</summary>
    public interface IOrderRepository
    {
        Order Find(int id);
        void Save(Order order);
    }

    public enum Status { Open, Closed }

    public record OrderPlaced(int Id, decimal Total);

    internal struct Money
    {
        public decimal Amount;
        public Money(decimal amount) { Amount = amount; }
    }

    /// <summary>
    /// Places and looks up orders.
    /// </summary>
    public class OrderService : ServiceBase, IDisposable
    {
        private readonly IOrderRepository _repo;
        private int count;

        public string Name { get; set; }

        public OrderService(IOrderRepository repo) : base("orders")
        {
            _repo = repo;
        }

        // Place stores a new order.
        public Order Place(int id, decimal total)
        {
            var order = new Order(id, total);
            _repo.Save(order);
            this.Log("placed");
            Helpers.Audit(order);
            Console.WriteLine(Json.Serialize(order));
            List<Order> all = new List<Order>();
            all.Add(order);
            count++;
            return order;
        }

        protected virtual void Log(string msg) => Console.WriteLine(msg);

        public void Dispose() { }

        private static class Helpers
        {
            internal static void Audit(Order o) { }
        }
    }
}

namespace Shop.Models
{
    public class Order
    {
        public Order(int id, decimal total) { Id = id; }
        public int Id { get; }
        public void Ship() => Console.WriteLine(Id);
    }
}
