// An unrelated class with a draw method of its own (a trap for name-only binding).
#pragma once

namespace audio {

class Player {
public:
    void draw();
    void play();
};

} // namespace audio
