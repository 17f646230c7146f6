using System;
using Shop.Models;

namespace Shop.Services;

public class OrderService : BaseService
{
    private readonly IRepo _repo;

    public OrderService(IRepo repo) { _repo = repo; }

    public Order Place(int id)
    {
        var o = new Order(id);
        o.Ship();
        _repo.Save(o);
        Order.Find(id);
        Helper();
        this.Helper();
        Log("placed");
        Console.WriteLine("x");
        return o;
    }

    private void Helper() { }
}
