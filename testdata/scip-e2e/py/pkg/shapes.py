import math

from .util import square


class Shape:
    def area(self) -> float:
        raise NotImplementedError


class Circle(Shape):
    def __init__(self, r: float):
        self.r = r

    def area(self) -> float:
        return math.pi * square(self.r)


def make_circle(r: float) -> Circle:
    return Circle(r)
