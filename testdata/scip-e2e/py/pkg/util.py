"""Helpers the other modules call."""


def square(n):
    return n * n


def describe(label, value):
    return "%s=%.2f" % (label, value)
