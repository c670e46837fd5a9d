"""What Python 3.9 and 3.10 lack, in one place: the rest of pipsrc is written once.

Each name is the standard library's own where the running Python has it, else a small
equivalent with the same meaning: :func:`zip_strict` (``zip(..., strict=True)``, 3.10),
:func:`pairwise` (3.10), :class:`StrEnum` (3.11's ``enum.StrEnum``: a member is its
value as a string), :func:`realpath_strict` (``os.path.realpath(strict=True)``, 3.10)
and :func:`loads_toml` (``tomllib``, 3.11, else the ``tomli`` package it came from).
``tests/test_quality.py`` runs vermin and ``mypy --python-version 3.9`` over the package.

The ``# novm`` comments tell vermin a line runs only on the versions its branch names.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterable, Iterator
from enum import Enum
from typing import Any, TypeVar, overload

__all__ = ["StrEnum", "TomlError", "loads_toml", "pairwise", "realpath_strict", "zip_strict"]

A = TypeVar("A")
B = TypeVar("B")
C = TypeVar("C")


class StrEnum(str, Enum):
    """An enum whose members are strings and print as their value (``enum.StrEnum``)."""

    def __str__(self) -> str:
        return str(self.value)

    def __format__(self, spec: str) -> str:
        return str.__format__(str(self.value), spec)


@overload
def zip_strict(a: Iterable[A], b: Iterable[B], /) -> Iterator[tuple[A, B]]: ...


@overload
def zip_strict(a: Iterable[A], b: Iterable[B], c: Iterable[C], /) -> Iterator[tuple[A, B, C]]: ...


def zip_strict(*iterables: Iterable[Any]) -> Iterator[tuple[Any, ...]]:
    """``zip(*iterables, strict=True)``: a ``ValueError`` when the lengths differ."""
    if sys.version_info >= (3, 10):
        return zip(*iterables, strict=True)  # novm
    return _zip_checked(iterables)


def _zip_checked(iterables: tuple[Iterable[Any], ...]) -> Iterator[tuple[Any, ...]]:
    """``zip_strict`` where ``zip`` has no ``strict``: stop only when every input stops."""
    iterators = [iter(it) for it in iterables]
    while iterators:
        items: list[Any] = []
        for n, it in enumerate(iterators):
            try:
                items.append(next(it))
            except StopIteration:
                if n == 0 and all(_exhausted(rest) for rest in iterators[1:]):
                    return
                raise ValueError("zip_strict: arguments have different lengths") from None
        yield tuple(items)


def _exhausted(it: Iterator[Any]) -> bool:
    return next(it, _END) is _END


_END = object()


def _pairwise(iterable: Iterable[A]) -> Iterator[tuple[A, A]]:
    """``itertools.pairwise``: each item with the next one."""
    it = iter(iterable)
    for prev in it:  # the first item; the inner loop takes the rest
        for item in it:
            yield prev, item
            prev = item


if sys.version_info >= (3, 10):
    from itertools import pairwise  # novm
else:
    pairwise = _pairwise


def realpath_strict(path: str) -> str:
    """``os.path.realpath(path, strict=True)``: an ``OSError`` for a missing file or a
    symlink loop instead of a made-up path."""
    if sys.version_info >= (3, 10):
        return os.path.realpath(path, strict=True)  # novm
    return _realpath_checked(path)


def _realpath_checked(path: str) -> str:
    real = os.path.realpath(path)
    os.stat(path)  # raises as strict mode does: no such file, too many levels of links
    return real


class TomlError(ValueError):
    """TOML that does not parse; ``lineno`` where the parser says (else None)."""

    def __init__(self, message: str, lineno: int | None) -> None:
        super().__init__(message)
        self.lineno = lineno


def loads_toml(text: str) -> dict[str, Any]:
    """``tomllib.loads``, the TOML parser imported only here, when a file needs it."""
    if sys.version_info >= (3, 11):
        import tomllib  # novm
    else:
        import tomli as tomllib
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise TomlError(str(exc), getattr(exc, "lineno", None)) from None
