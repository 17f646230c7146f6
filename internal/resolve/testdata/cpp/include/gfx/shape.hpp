// Shapes: an abstract base, a circle, and helpers.
#pragma once

#include <string>
#include <vector>

namespace gfx {

class Shape {
public:
    virtual ~Shape();
    virtual double area() const = 0;
    void draw();
    std::string name() const;

protected:
    void log(const char *msg);
};

class Circle : public Shape {
public:
    explicit Circle(double r);
    double area() const override;
    void grow(double f);
    Circle &self();

private:
    double r_;
};

double total(const std::vector<Shape *> &shapes);

namespace util {
double square(double x);
} // namespace util

} // namespace gfx
