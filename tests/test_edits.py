"""The edit engine: bytes outside accepted edits are copied verbatim."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from pipsrc.edits import PositionMap, apply_fixes
from pipsrc.model import Applicability, Edit, Fix


def _fix(*edits: Edit) -> Fix:
    return Fix(tuple(edits), Applicability.SAFE, "t")


def test_replace_insert_delete() -> None:
    text = "0123456789"
    out = apply_fixes(text, [_fix(Edit(1, 3, "ab")), _fix(Edit(5, 5, "X")), _fix(Edit(8, 10, ""))])
    assert out.text == "0ab34X567"
    assert len(out.applied) == 3 and not out.deferred


def test_overlap_is_deferred_not_merged() -> None:
    text = "abcdef"
    first, second = _fix(Edit(1, 4, "X")), _fix(Edit(3, 5, "Y"))
    out = apply_fixes(text, [second, first])
    assert out.text == "aXef"
    assert out.deferred == (second,)


def test_two_insertions_at_one_point_defer_one() -> None:
    out = apply_fixes("ab", [_fix(Edit(1, 1, "X")), _fix(Edit(1, 1, "Y"))])
    assert out.text in ("aXb", "aYb")
    assert len(out.deferred) == 1


def test_multi_edit_fix_is_atomic() -> None:
    text = "aaaa bbbb cccc"
    whole = _fix(Edit(0, 4, "A"), Edit(10, 14, "C"))
    blocker = _fix(Edit(11, 12, "z"))
    out = apply_fixes(text, [blocker, whole])
    # the earlier fix wins whole; the clashing one waits for the next pass
    assert out.text == "A bbbb C"
    assert out.deferred == (blocker,)


@st.composite
def text_and_edits(draw: st.DrawFn) -> tuple[str, list[Edit]]:
    text = draw(st.text(min_size=0, max_size=60))
    n = draw(st.integers(0, 6))
    edits = []
    for _ in range(n):
        a = draw(st.integers(0, len(text)))
        b = draw(st.integers(a, len(text)))
        edits.append(Edit(a, b, draw(st.text(max_size=5))))
    return text, edits


@given(text_and_edits())
def test_outside_bytes_preserved(case: tuple[str, list[Edit]]) -> None:
    text, edits = case
    out = apply_fixes(text, [_fix(e) for e in edits])
    accepted = sorted((e for f in out.applied for e in f.edits), key=lambda e: (e.start, e.end))
    rebuilt, pos = [], 0
    for e in accepted:
        assert e.start >= pos
        rebuilt += [text[pos : e.start], e.replacement]
        pos = e.end
    rebuilt.append(text[pos:])
    assert "".join(rebuilt) == out.text
    assert len(out.applied) + len(out.deferred) == len({_fix(e) for e in edits})


@given(text_and_edits())
def test_order_independent(case: tuple[str, list[Edit]]) -> None:
    text, edits = case
    fixes = [_fix(e) for e in edits]
    assert apply_fixes(text, fixes).text == apply_fixes(text, list(reversed(fixes))).text


def test_no_edits_is_identity() -> None:
    assert apply_fixes("x\r\ny", []).text == "x\r\ny"


def test_insertion_at_a_removal_boundary_waits() -> None:
    # a line appended where a removal ends could land inside the wrong option
    text = "a = 1\nb = 2"
    removal, append = _fix(Edit(6, 11, "")), _fix(Edit(11, 11, "\nc = 3"))
    out = apply_fixes(text, [append, removal])
    assert len(out.applied) == 1 and len(out.deferred) == 1


def test_pipconf_unsafe_fixes_keep_the_file_valid() -> None:
    from pipsrc.api import fix_text
    from pipsrc.policy import Policy

    text = (
        "[install]\nindex-url = http://pypi.mirrors.ustc.edu.cn/simple/\n"
        "trusted-host = pypi.tuna.tsinghua.edu.cn"
    )
    fixed = fix_text(text, "pip.conf", Policy(), unsafe=True)
    assert fixed.startswith("[install]\nindex-url = https://mirrors.ustc.edu.cn/pypi/simple/")
    assert "    " not in fixed  # no orphaned continuation line glued to index-url


@st.composite
def _text_and_edits(draw: st.DrawFn) -> tuple[str, list[Edit]]:
    text = draw(st.text(alphabet="ab\n", min_size=1, max_size=40))
    cuts = sorted(draw(st.lists(st.integers(0, len(text)), max_size=8, unique=True)))
    edits = []
    for start, end in zip(cuts[::2], cuts[1::2], strict=False):
        edits.append(Edit(start, end, draw(st.text(alphabet="XY\n", max_size=5))))
    return text, edits


@given(_text_and_edits())
def test_position_map_carries_untouched_characters(case: tuple[str, list[Edit]]) -> None:
    """Every character outside the edits is found again where the map says, both ways."""
    text, edits = case
    new = apply_fixes(text, [Fix(tuple(edits), Applicability.SAFE, "t")]).text if edits else text
    pmap = PositionMap.of(edits)
    for pos, ch in enumerate(text):
        if any(e.start <= pos < e.end for e in edits):
            continue
        moved = pmap.forward(pos)
        assert new[moved] == ch
        assert pmap.backward(moved) == pos
