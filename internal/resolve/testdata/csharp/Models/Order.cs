namespace Shop.Models
{
    public class Order
    {
        public Order(int id) { }
        public void Ship() { }
        public static Order Find(int id) => new Order(id);
    }
}
