#include "gfx/shape.hpp"

#include <cstdio>

namespace gfx {

Shape::~Shape() {}

void Shape::draw()
{
    log("draw");
    std::printf("%f\n", area());
}

std::string Shape::name() const
{
    return "shape";
}

void Shape::log(const char *msg)
{
    std::puts(msg);
}

Circle::Circle(double r) : r_(r) {}

double Circle::area() const
{
    return util::square(r_) * 3.14159;
}

void Circle::grow(double f)
{
    r_ *= f;
    this->draw();
}

Circle &Circle::self()
{
    return *this;
}

double total(const std::vector<Shape *> &shapes)
{
    double t = 0;
    for (auto *s : shapes) t += s->area();
    return t;
}

namespace util {
double square(double x)
{
    return x * x;
}
} // namespace util

} // namespace gfx
