#!/usr/bin/env python3
"""Plugin registry: decorators, closures and dynamic calls."""

import functools
import importlib
import sys
from typing import Any, Callable, Iterator

__all__ = ["register", "load", "PluginError"]

PLUGINS: dict[str, Callable[..., Any]] = {}
_loaded = set()
counter = total = 0

if sys.version_info >= (3, 11):
    import tomllib as toml_reader
else:
    import tomli as toml_reader


class PluginError(RuntimeError):
    """Raised when a plugin cannot be loaded."""


def register(name: str | None = None, *, replace: bool = False):
    """Class and function decorator that registers a plugin."""

    def decorator(fn: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(fn)
        def wrapper(*args, **kwargs):
            _loaded.add(fn.__name__)
            return fn(*args, **kwargs)

        key = name or fn.__qualname__
        if key in PLUGINS and not replace:
            raise PluginError(f"duplicate plugin {key!r}")
        PLUGINS[key] = wrapper
        return wrapper

    return decorator


def load(path: str) -> Iterator["Plugin"]:
    '''Import every plugin module listed in the TOML file at *path*.'''
    with open(path, "rb") as fh:
        config = toml_reader.load(fh)
    for module_name in config.get("plugins", []):
        module = importlib.import_module(module_name)
        if (factory := getattr(module, "plugin", None)) is not None:
            yield factory()
        getattr(module, "setup", lambda: None)()
        (lambda m: m.init())(module)


if sys.platform == "win32":
    def default_path() -> str:
        return "%APPDATA%\\plugins.toml"
else:
    def default_path() -> str:
        return "~/.config/plugins.toml"


def make_plugin_class(base: type) -> type:
    class Plugin(base):
        # A dynamically created plugin class.
        enabled = True
        if sys.platform == "win32":
            separator = ";"

        def run(self, *args: Any) -> None:
            PLUGINS[type(self).__name__](*args)

    return Plugin


@register("echo")
def echo(*words: str) -> str:
    match words:
        case [single]:
            return single.upper()
        case [first, *rest]:
            return " ".join([first, *map(str.lower, rest)])
    return ""


def main(argv: list[str] = sys.argv[1:]) -> int:
    global counter
    for plugin in load(argv[0] if argv else default_path()):
        counter += 1
        plugin.run(*argv[1:])
    return 0


if __name__ == "__main__":
    sys.exit(main())
