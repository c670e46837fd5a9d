"""Records: pipsrc's data classes, made at a fraction of what :mod:`dataclasses` costs.

Why not ``dataclasses``: on CPython 3.11 the decorator compiles a fresh function for
every method of every class (``__init__``, ``__repr__``, ``__eq__``, and for frozen
classes ``__setattr__``, ``__delattr__`` and ``__hash__``), about half a millisecond a
class, and importing it imports :mod:`inspect`. pipsrc defines some fifty classes,
and a pre-commit run on three Dockerfiles lasts well under a tenth of a second:
``dataclasses`` was a quarter of it (docs/decisions.md, bench/RESULTS.md).

:func:`record` compiles one function per class, ``__init__`` (which must be fast: a
monorepo run creates hundreds of thousands of spans and settings), and gives every
class the same few generic methods: comparisons go through one
:func:`operator.attrgetter` per class, which builds the field tuple in C.

The semantics are the subset of ``dataclasses`` pipsrc uses, with the same meaning:
fields in annotation order, defaults and ``field(default_factory=...)``,
``field(repr=False, compare=False)``, ``__post_init__``, ``frozen``, ``order``, ``eq``
(with the hash rules of ``dataclasses``) and :func:`replace`. Type checkers see the
decorator as a dataclass through :func:`typing.dataclass_transform`.
"""

from __future__ import annotations

from collections.abc import Callable
from operator import attrgetter
from typing import TYPE_CHECKING, Any, TypeVar, overload

if TYPE_CHECKING:  # typing's own from Python 3.11; a type checker has typing_extensions
    from typing_extensions import dataclass_transform
else:

    def dataclass_transform(**_: object) -> Any:
        """Only type checkers read the marker: at run time it leaves ``record`` as is."""
        return lambda decorated: decorated


T = TypeVar("T")

_MISSING: Any = object()

__all__ = ["FrozenInstanceError", "field", "record", "replace"]


class FrozenInstanceError(AttributeError):
    """Assigning to a field of a frozen record (as ``dataclasses.FrozenInstanceError``)."""


class Field:
    """What :func:`field` returns: a field's default and how it takes part in methods."""

    __slots__ = ("compare", "default", "default_factory", "repr")

    def __init__(
        self, default: Any, default_factory: Callable[[], Any] | Any, repr: bool, compare: bool
    ) -> None:
        self.default = default
        self.default_factory = default_factory
        self.repr = repr
        self.compare = compare


def field(
    *,
    default: Any = _MISSING,
    default_factory: Callable[[], Any] | Any = _MISSING,
    repr: bool = True,
    compare: bool = True,
) -> Any:
    """A field with a default factory, or left out of ``repr`` or comparisons."""
    if default is not _MISSING and default_factory is not _MISSING:
        raise ValueError("cannot specify both default and default_factory")
    return Field(default, default_factory, repr, compare)


@overload
def record(cls: type[T], /) -> type[T]: ...


@overload
def record(
    *, frozen: bool = False, order: bool = False, eq: bool = True
) -> Callable[[type[T]], type[T]]: ...


@dataclass_transform(field_specifiers=(field, Field))
def record(
    cls: type[T] | None = None, /, *, frozen: bool = False, order: bool = False, eq: bool = True
) -> type[T] | Callable[[type[T]], type[T]]:
    """Make ``cls`` a record: ``@record`` or ``@record(frozen=True, order=True)``."""

    def wrap(cls: type[T]) -> type[T]:
        return _process(cls, frozen=frozen, order=order, eq=eq)

    return wrap if cls is None else wrap(cls)


def replace(obj: T, /, **changes: Any) -> T:
    """A copy of the record ``obj`` with some fields changed (``dataclasses.replace``)."""
    names: tuple[str, ...] = type(obj).__record_fields__  # type: ignore[attr-defined]
    for name in changes:
        if name not in names:
            raise TypeError(f"{type(obj).__name__} has no field {name!r}")
    values = {name: getattr(obj, name) for name in names}
    values.update(changes)
    return type(obj)(**values)


# --- making a class a record ------------------------------------------------------------


def _process(cls: type[T], *, frozen: bool, order: bool, eq: bool) -> type[T]:
    if order and not eq:
        raise ValueError("eq must be true if order is true")
    fields = _own_fields(cls)
    names = tuple(name for name, _ in fields)
    methods: dict[str, Any] = {
        "__init__": _compile_init(cls, fields, frozen),
        "__record_fields__": names,
        "__match_args__": names,
    }
    if "__repr__" not in cls.__dict__:
        shown = tuple(name for name, f in fields if f.repr)
        methods.update(__repr__=_repr, __record_repr__=shown)
    if eq:
        compared = [name for name, f in fields if f.compare]
        methods.update(__eq__=_eq, __record_key__=staticmethod(_key(compared)))
        if frozen:
            methods["__hash__"] = _hash
        elif "__hash__" not in cls.__dict__:
            methods["__hash__"] = None  # mutable and compared by value: unhashable
    if order:
        methods.update(__lt__=_lt, __le__=_le, __gt__=_gt, __ge__=_ge)
    if frozen:
        methods.update(__setattr__=_frozen_setattr, __delattr__=_frozen_delattr)
    for name, value in methods.items():
        setattr(cls, name, value)
    return cls


def _own_fields(cls: type[Any]) -> list[tuple[str, Field]]:
    """The class's fields in annotation order, as ``dataclasses`` reads them.

    ``ClassVar`` annotations are not fields. A ``field(...)`` class attribute is
    replaced by its plain default, or removed when it has none (so a factory field has
    no class attribute); a field without a default after one with a default is refused,
    because ``__init__`` could not take them in that order.
    """
    fields: list[tuple[str, Field]] = []
    # the class's own annotations, as written (inspect.get_annotations would import inspect)
    annotations: dict[str, Any] = cls.__dict__.get("__annotations__", {})  # noqa: RUF063
    seen_default = False
    for name, annotation in annotations.items():
        if str(annotation).startswith(("ClassVar", "typing.ClassVar")):
            continue
        spec = cls.__dict__.get(name, _MISSING)
        if isinstance(spec, Field):
            if spec.default is _MISSING:
                delattr(cls, name)  # no class attribute for a field without a plain default
            else:
                setattr(cls, name, spec.default)
        else:
            spec = Field(spec, _MISSING, True, True)
        has_default = spec.default is not _MISSING or spec.default_factory is not _MISSING
        if not has_default and seen_default:
            raise TypeError(f"non-default argument {name!r} follows default argument")
        seen_default = seen_default or has_default
        fields.append((name, spec))
    return fields


def _compile_init(cls: type[Any], fields: list[tuple[str, Field]], frozen: bool) -> Any:
    """``__init__`` for ``fields``, compiled from source: the one function per class.

    Defaults and factories are bound through the function's globals, so a call costs
    what a hand-written ``__init__`` costs; a frozen record sets its fields through
    ``object.__setattr__``.
    """
    params: list[str] = []
    body: list[str] = []
    env: dict[str, Any] = {"_MISSING": _MISSING, "_set": object.__setattr__}
    for name, f in fields:
        if f.default_factory is not _MISSING:
            env[f"_f_{name}"] = f.default_factory
            params.append(f"{name}=_MISSING")
            value = f"_f_{name}() if {name} is _MISSING else {name}"
        elif f.default is not _MISSING:
            env[f"_d_{name}"] = f.default
            params.append(f"{name}=_d_{name}")
            value = name
        else:
            params.append(name)
            value = name
        body.append(f"_set(self, {name!r}, {value})" if frozen else f"self.{name} = {value}")
    if hasattr(cls, "__post_init__"):
        body.append("self.__post_init__()")
    source = f"def __init__(self, {', '.join(params)}):\n    " + "\n    ".join(body or ["pass"])
    namespace: dict[str, Any] = {}
    exec(source, env, namespace)  # the one compiled function of the class
    init = namespace["__init__"]
    init.__qualname__ = f"{cls.__qualname__}.__init__"
    init.__module__ = cls.__module__
    return init


def _key(names: list[str]) -> Callable[[Any], tuple[Any, ...]]:
    """The compared fields of a record as a tuple, built in C."""
    if not names:
        return lambda obj: ()
    if len(names) == 1:
        get = attrgetter(names[0])
        return lambda obj: (get(obj),)
    return attrgetter(*names)


# --- the methods every record shares --------------------------------------------------------


def _repr(self: Any) -> str:
    fields = ", ".join(f"{name}={getattr(self, name)!r}" for name in self.__record_repr__)
    return f"{type(self).__qualname__}({fields})"


def _eq(self: Any, other: Any) -> Any:
    if other.__class__ is self.__class__:
        key = self.__record_key__
        return bool(key(self) == key(other))
    return NotImplemented


def _hash(self: Any) -> int:
    return hash(self.__record_key__(self))


def _lt(self: Any, other: Any) -> Any:
    if other.__class__ is self.__class__:
        return bool(self.__record_key__(self) < other.__record_key__(other))
    return NotImplemented


def _le(self: Any, other: Any) -> Any:
    if other.__class__ is self.__class__:
        return bool(self.__record_key__(self) <= other.__record_key__(other))
    return NotImplemented


def _gt(self: Any, other: Any) -> Any:
    if other.__class__ is self.__class__:
        return bool(self.__record_key__(self) > other.__record_key__(other))
    return NotImplemented


def _ge(self: Any, other: Any) -> Any:
    if other.__class__ is self.__class__:
        return bool(self.__record_key__(self) >= other.__record_key__(other))
    return NotImplemented


def _frozen_setattr(self: Any, name: str, value: Any) -> None:
    raise FrozenInstanceError(f"cannot assign to field {name!r}")


def _frozen_delattr(self: Any, name: str) -> None:
    raise FrozenInstanceError(f"cannot delete field {name!r}")
