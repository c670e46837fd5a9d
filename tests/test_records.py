"""pipsrc.records behaves as the dataclasses it replaces, for everything pipsrc uses."""

from __future__ import annotations

import copy
import dataclasses
import pickle
import subprocess
import sys

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pipsrc.records import FrozenInstanceError, field, record, replace


@record(frozen=True, order=True)
class Point:
    """A frozen, ordered record."""

    x: int
    y: int = 0
    tags: tuple[str, ...] = ()


@dataclasses.dataclass(frozen=True, order=True)
class DPoint:
    x: int
    y: int = 0
    tags: tuple[str, ...] = ()


@record
class Bag:
    """A mutable record with factories and fields left out of repr and comparisons."""

    name: str
    items: list[int] = field(default_factory=list)
    note: str = field(default="", repr=False, compare=False)
    seen: int = -1

    def __post_init__(self) -> None:
        if self.seen < 0:
            self.seen = len(self.items)


@record(eq=False)
class Handle:
    value: int


ints = st.integers(-3, 3)
tags = st.lists(st.sampled_from(["a", "b"]), max_size=2).map(tuple)


@given(ints, ints, tags, ints, ints, tags)
def test_comparisons_match_dataclasses(
    x1: int, y1: int, t1: tuple[str, ...], x2: int, y2: int, t2: tuple[str, ...]
) -> None:
    a, b = Point(x1, y1, t1), Point(x2, y2, t2)
    da, db = DPoint(x1, y1, t1), DPoint(x2, y2, t2)
    assert (a == b) == (da == db)
    assert (a != b) == (da != db)
    assert (a < b) == (da < db)
    assert (a <= b) == (da <= db)
    assert (a > b) == (da > db)
    assert (a >= b) == (da >= db)
    assert (hash(a) == hash(b)) or a != b
    assert repr(a) == repr(da).replace("DPoint", "Point")


def test_init_defaults_and_keywords() -> None:
    assert Point(1) == Point(x=1, y=0, tags=())
    assert Point(1, tags=("a",)).tags == ("a",)
    with pytest.raises(TypeError):
        Point()  # type: ignore[call-arg]
    with pytest.raises(TypeError):
        Point(1, z=2)  # type: ignore[call-arg]


def test_default_factory_gives_each_instance_its_own_value() -> None:
    a, b = Bag("a"), Bag("b")
    a.items.append(1)
    assert b.items == []
    assert Bag("c", [1, 2]).seen == 2  # __post_init__ ran after the fields were set


def test_repr_and_compare_flags() -> None:
    bag = Bag("x", [1], note="secret")
    assert repr(bag) == "Bag(name='x', items=[1], seen=1)"
    assert bag == Bag("x", [1], note="other")  # note is not compared
    assert bag != Bag("y", [1])
    assert bag.__eq__(object()) is NotImplemented


def test_hash_rules_follow_dataclasses() -> None:
    assert hash(Point(1, 2)) == hash(Point(1, 2))
    with pytest.raises(TypeError):
        hash(Bag("x"))  # mutable and compared by value
    h1, h2 = Handle(1), Handle(1)
    assert h1 != h2 and hash(h1) != hash(h2)  # eq=False: identity, as object


def test_frozen() -> None:
    p = Point(1)
    with pytest.raises(FrozenInstanceError):
        p.x = 2  # type: ignore[misc]
    with pytest.raises(AttributeError):
        del p.x
    assert isinstance(FrozenInstanceError(), AttributeError)


def test_ordering_only_within_the_class() -> None:
    with pytest.raises(TypeError):
        _ = Point(1) < DPoint(1)  # type: ignore[operator]
    other: object = DPoint(1)
    assert Point(1) != other


def test_replace() -> None:
    p = Point(1, 2, ("a",))
    assert replace(p, y=5) == Point(1, 5, ("a",))
    assert p == Point(1, 2, ("a",))
    bag = Bag("x", [1])
    copy_ = replace(bag, name="y")
    assert copy_.items is bag.items and copy_.name == "y"  # shallow, as dataclasses.replace
    with pytest.raises(TypeError):
        replace(p, z=1)


def test_pickle_and_copy() -> None:
    for obj in (Point(1, 2, ("a",)), Bag("x", [1, 2], note="n")):
        assert pickle.loads(pickle.dumps(obj)) == obj
        assert copy.deepcopy(obj) == obj
        assert copy.copy(obj) == obj


def test_declaration_errors() -> None:
    with pytest.raises(TypeError, match="follows default"):

        @record
        class Bad:
            a: int = 0
            b: int  # type: ignore[misc]

    with pytest.raises(ValueError):
        field(default=1, default_factory=list)
    with pytest.raises(ValueError):
        record(order=True, eq=False)(type("X", (), {}))


def test_class_attributes_and_match_args() -> None:
    assert Bag.note == ""  # a plain default stays a class attribute, as in dataclasses
    assert not hasattr(Bag, "items")  # a factory field has none
    assert Point.__match_args__ == ("x", "y", "tags")
    match Point(3, 4):
        case Point(x, y):
            assert (x, y) == (3, 4)


def test_the_engine_imports_neither_dataclasses_nor_inspect() -> None:
    """The point of the module: a check run pays for neither (docs/decisions.md)."""
    code = (
        "import sys, pipsrc.engine, pipsrc.kinds.dockerfile, pipsrc.kinds.shell, pipsrc.output; "
        "print(sorted(m for m in ('dataclasses', 'inspect') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
