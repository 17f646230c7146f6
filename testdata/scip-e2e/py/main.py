import os.path

from pkg import util
from pkg.shapes import make_circle


def run() -> str:
    c = make_circle(2)
    a = c.area()
    return util.describe(os.path.join("a", "b"), a + util.square(3))
