from .models import User, describe
from app import util
import app.util as u2


def register(name):
    user = User.create(util.slugify(name))
    user.save()
    describe(user)
    return u2.slugify(name)
