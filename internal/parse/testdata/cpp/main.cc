/* main.cc - exercises the scene graph. */
#include <iostream>
#include "shapes.hpp"

extern "C" {
int legacy_init(int flags);
}

namespace app::cli {

/// Parsed command-line flags.
struct Flags {
    bool verbose = false;
    int (*log_fn)(const char *) = nullptr;
    union {
        int count;
        float ratio;
    };
};

/// Flags that log every message.
struct Verbose : Flags {
    using Flags::Flags;
    void operator()(const char *msg) const { std::puts(msg); }
};

/// Prints a greeting; used as a callback.
auto greet = [](const std::string &who) { std::printf("hello %s\n", who.c_str()); };

Flags parse(int argc, char **argv);

} // namespace app::cli

app::cli::Flags app::cli::parse(int argc, char **argv)
{
    Flags f;
    f.verbose = argc > 1;
    greet(argv[0]);
    return f;
}

static int run(const app::cli::Flags &flags)
{
    gfx::Canvas<gfx::Circle> canvas;
    canvas.add(new gfx::Circle({0, 0}, 1.0));
    auto unit = gfx::make_unit_circle();
    double a = gfx::max_area(&unit, &unit + 1);
    std::cout << a << std::endl;
    return flags.verbose ? 0 : static_cast<int>(a);
}

int main(int argc, char **argv)
{
    legacy_init(0);
    auto flags = app::cli::parse(argc, argv);
    return run(flags);
}
