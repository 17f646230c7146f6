"""Domain models: dataclasses, enums, protocols and generics."""

import abc
import enum
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from enum import Enum, auto
from typing import TYPE_CHECKING, ClassVar, Generic, NewType, Protocol, TypeAlias, TypeVar, overload

if TYPE_CHECKING:
    from .session import Session

try:
    import ujson as json
except ImportError:  # pragma: no cover
    import json

T = TypeVar("T")
UserId = NewType("UserId", int)
Headers: TypeAlias = dict[str, str]
type Pair[K, V] = tuple[K, V]
type Callback = Callable[[Model], Awaitable[None]] | None


class Color(Enum):
    """Display colours."""

    RED = auto()
    green = "g"

    def label(self) -> str:
        return self.name.title()


@enum.unique
class Status(str, enum.Enum):
    ACTIVE = "active"
    DISABLED = "disabled"


class Renderer(Protocol):
    """Anything that can render a model."""

    def render(self, model: "Model", *, color: Color = Color.RED) -> str: ...


class Repository(abc.ABC, Generic[T]):
    @abc.abstractmethod
    def get(self, key: UserId) -> T | None:
        raise NotImplementedError

    @overload
    def find(self, key: int) -> T: ...
    @overload
    def find(self, key: str) -> list[T]: ...
    def find(self, key):
        return self.get(UserId(key)) if isinstance(key, int) else []


# Models are immutable value objects.
@dataclass(frozen=True)
class Model:
    id: UserId
    tags: list["Tag"] = field(default_factory=list)
    registry: ClassVar[dict[str, type["Model"]]] = {}
    x, y = 0, 0

    def __post_init__(self) -> None:
        Model.registry[type(self).__name__] = type(self)


class User(Model, Renderer):
    role: Status = Status.ACTIVE

    def render(self, model: Model, *, color: Color = Color.RED) -> str:
        return json.dumps({"id": model.id, "color": color.value})


class Box[T: Model](Repository[T]):
    items: dict[UserId, T]

    def __init__(self, *items: T) -> None:
        self.items = {i.id: i for i in items}
        self.sorted = sorted(items, key=lambda m: str(m.id).zfill(8))

    def get(self, key: UserId) -> T | None:
        return self.items.get(key)


def make_user(session: "Session", uid: int = next(iter(range(1)))) -> User:
    counter = 0

    def bump() -> int:
        nonlocal counter
        counter += 1
        return counter

    return User(id=UserId(uid + bump()))
