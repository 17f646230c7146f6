#include "audio/player.hpp"

namespace audio {

void Player::draw()
{
    play();
}

void Player::play() {}

} // namespace audio
