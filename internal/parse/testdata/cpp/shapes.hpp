// shapes.hpp - a small 2-D scene graph.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>
#include "geometry/point.hpp"

#define GFX_VERSION 3
#define GFX_CHECK(cond) ((cond) ? (void)0 : ::gfx::fail(#cond))

namespace gfx {

/// Number of segments used to approximate curves.
constexpr int kSegments = 64;

class Renderer;

/// Reports a failed check and aborts.
[[noreturn]] void fail(const char *what);

int default_width();

/// Something that can be drawn.
class Shape {
public:
    virtual ~Shape() = default;
    /// Area in square units.
    virtual double area() const = 0;
    virtual void draw(Renderer &r) const = 0;
    std::string name() const { return describe(kind_); }

protected:
    explicit Shape(int kind) : kind_(kind) {}
    static std::string describe(int kind);

private:
    int kind_;
};

/** A circle around a center point. */
class Circle final : public Shape {
public:
    Circle(geometry::Point center, double r);
    ~Circle() override;
    double area() const override;
    void draw(Renderer &r) const override;
    bool operator==(const Circle &other) const;
    friend std::ostream &operator<<(std::ostream &os, const Circle &c);

    static int count;

private:
    geometry::Point center_;
    double r_ = 1.0;
};

namespace detail {
template <typename T>
struct Tracker {
    std::vector<T *> live;
};
} // namespace detail

/// A canvas of shapes of type T.
template <typename T>
class Canvas : public Surface, private detail::Tracker<T> {
public:
    using Ptr = std::unique_ptr<T>;
    typedef std::vector<Ptr> List;

    /// Options controlling rendering.
    struct Options {
        int width = default_width();
        bool antialias = true;
        bool valid() const;
    };

    static constexpr int kMaxLayers = 8;

    enum class Mode { Fill, Stroke = 2 };

    Canvas() : Canvas(Options{}) {}
    explicit Canvas(Options opts);

    void add(Ptr shape) { shapes_.push_back(std::move(shape)); }
    void add(T *shape, int layer = default_layer());
    template <typename U>
    U &emplace(U value);

    std::function<void(const T &)> on_draw = [this](const T &s) { log(s.name()); };

private:
    static int default_layer();
    void log(const std::string &msg);

    List shapes_;
    Options opts_;
    Mode mode_ = Mode::Fill;
};

template <typename T>
using CanvasPtr = std::shared_ptr<Canvas<T>>;

template <typename T>
concept Drawable = requires(const T &t, Renderer &r) { t.draw(r); };

/// Largest area among shapes.
template <typename It>
double max_area(It first, It last)
{
    double best = 0;
    for (; first != last; ++first) {
        best = std::max(best, (*first)->area());
    }
    return best;
}

} // namespace gfx
