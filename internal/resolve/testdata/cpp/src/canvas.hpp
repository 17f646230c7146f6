#pragma once

#include <vector>

#include "gfx/shape.hpp"
#include "audio/player.hpp"

class Canvas {
public:
    void add(gfx::Shape *s);
    void render();

private:
    std::vector<gfx::Shape *> shapes_;
    gfx::Circle *focus_ = nullptr;
    audio::Player player_;
    audio::Player *const backup_ = nullptr;
};
