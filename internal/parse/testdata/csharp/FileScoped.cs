namespace Shop.Web;

using Shop.Services;

public sealed class OrdersController
{
    private readonly OrderService service;

    public OrdersController(OrderService service) => this.service = service;

    public void Post(int id)
    {
        service.Place(id, 10m);
        var o = service.Place(id, 1m);
        o.Ship();
    }
}
