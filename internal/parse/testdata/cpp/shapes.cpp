// shapes.cpp - out-of-line members of shapes.hpp.
#include "shapes.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>

using namespace std;
using std::string;
namespace geo = geometry::plane;

namespace {

// Clamps v into [lo, hi].
double clamp(double v, double lo, double hi)
{
    return std::min(std::max(v, lo), hi);
}

} // namespace

namespace gfx {

int Circle::count = 0;

[[noreturn]] void fail(const char *what)
{
    std::fprintf(stderr, "check failed: %s\n", what);
    std::abort();
}

string Shape::describe(int kind)
{
    return kind == 1 ? "circle" : "shape";
}

Circle::Circle(geometry::Point center, double r)
    : Shape(1), center_(center), r_(clamp(r, 0.0, 1e9))
{
    ++count;
}

Circle::~Circle()
{
    --count;
}

/// pi r squared.
double Circle::area() const
{
    return M_PI * r_ * r_;
}

void Circle::draw(Renderer &r) const
{
    r.begin(this->name());
    auto pts = geo::polygon(center_, r_, kSegments);
    for_each(pts.begin(), pts.end(), [&r](const geometry::Point &p) { r.vertex(p.x, p.y); });
    r.end()->flush();
}

bool Circle::operator==(const Circle &other) const
{
    return center_ == other.center_ && r_ == other.r_;
}

template <typename T>
Canvas<T>::Canvas(Options opts) : opts_(opts)
{
    this->live.reserve(16);
}

template <typename T>
void Canvas<T>::add(T *shape, int layer)
{
    GFX_CHECK(shape != nullptr);
    shapes_.emplace_back(shape);
    auto notify = [this, shape]() { on_draw(*shape); };
    notify();
}

// GNU style: the member name on its own line.
template <typename T>
int
Canvas<T>::
default_layer()
{
    return kMaxLayers - 1;
}

template <typename T>
bool Canvas<T>::Options::valid() const
{
    return width > 0 && width <= default_width();
}

std::unique_ptr<Shape> make_unit_circle()
{
    auto c = std::make_unique<Circle>(geometry::Point{0, 0}, 1.0);
    Shape *raw = new Circle(geometry::Point{}, 2.0);
    delete raw;
    return c;
}

} // namespace gfx

template <>
void gfx::Canvas<gfx::Circle>::log(const std::string &msg)
{
    std::puts(msg.c_str());
}
