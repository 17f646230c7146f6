#include "canvas.hpp"
#include "gfx/shape.hpp"
#include "audio/player.hpp"
#include "generated/config.h"

#include <memory>

namespace g = gfx;
using gfx::util::square;

gfx::Shape *mystery();

int main()
{
    Canvas c;
    gfx::Circle circle(1.0);
    auto p = std::make_unique<gfx::Circle>(2.0);
    gfx::Shape *raw = new gfx::Circle(3.0);
    audio::Player player;
    c.add(&circle);
    p->grow(1.5);
    raw->draw();
    player.draw();
    circle.area();
    square(2.0);
    g::total({});
    unknown.draw();
    mystery()->draw();
    return 0;
}
