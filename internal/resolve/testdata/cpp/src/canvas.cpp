#include "canvas.hpp"

using namespace gfx;

void Canvas::add(Shape *s)
{
    shapes_.push_back(s);
    s->draw();
}

void Canvas::render()
{
    focus_->grow(2.0);
    focus_->self().area();
    player_.play();
    backup_->draw();
    for (auto *s : shapes_) s->draw();
}
