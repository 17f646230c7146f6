namespace Shop.Services;

public abstract class BaseService
{
    protected void Log(string msg) { }
}

public interface IRepo
{
    void Save(Shop.Models.Order o);
}
