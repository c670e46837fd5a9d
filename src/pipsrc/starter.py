"""``pipsrc init``: a starter policy, written where it will be read."""

from __future__ import annotations

from pathlib import Path

from pipsrc.catalogue import UnknownMirror, catalogue
from pipsrc.policy import POLICY_FILES, BadIndex, Policy, has_policy


class StarterRefused(Exception):
    """Why no starter policy was written (a usage error)."""


STARTER = {
    "extra-indexes": [],
    "trusted-host": "auto",
    "allow-http": [],
    "require-index": True,
    "known-exceptions": True,
    "exceptions": [],
    "configured-images": [],
    "exclude": [],
}


def write_starter(mirror: str, pyproject: bool, directory: str) -> Path:
    """Write a starter policy and return its path, unless a policy is there already, in the
    file asked for or in one that would shadow it (``pipsrc.toml`` beats ``.pipsrc.toml``
    beats ``[tool.pipsrc]`` in ``pyproject.toml``): then StarterRefused says why."""
    try:
        Policy().with_index(mirror)
    except (UnknownMirror, BadIndex) as exc:
        raise StarterRefused(f"--mirror {mirror}: {exc}") from None
    value = mirror if catalogue().get(mirror) else catalogue().resolve(mirror)
    root = Path(directory)
    target = root / ("pyproject.toml" if pyproject else "pipsrc.toml")
    existing = [p for p in (root / name for name in POLICY_FILES) if p.is_file() and has_policy(p)]
    if existing:
        found = existing[0]
        why = ""
        if found != target:
            shadows = POLICY_FILES.index(found.name) < POLICY_FILES.index(target.name)
            why = (
                f", which would shadow a new {target.name}"
                if shadows
                else f"; a new {target.name} would silently take its place"
            )
        raise StarterRefused(f"{found} already holds a pipsrc policy{why}")
    text = _starter_pyproject(target, value) if pyproject else _starter_file(value)
    from pipsrc.textio import atomic_write

    atomic_write(str(target), text.encode("utf-8"))
    return target


def _starter_file(index: str) -> str:
    import tomlkit

    doc = tomlkit.document()
    doc.add(tomlkit.comment("pipsrc policy: see `pipsrc rules` and README.md"))
    doc.add("index", index)
    for key, value in STARTER.items():
        doc.add(key, value)
    return tomlkit.dumps(doc)


def _starter_pyproject(target: Path, index: str) -> str:
    """``pyproject.toml`` with a ``[tool.pipsrc]`` table added by tomlkit, every other byte
    kept as it was."""
    import tomlkit

    text = target.read_text(encoding="utf-8") if target.exists() else ""
    doc = tomlkit.parse(text)
    tool = doc.get("tool")
    if tool is None:
        tool = tomlkit.table(is_super_table=True)
        doc.add("tool", tool)
    table = tomlkit.table()
    table.add("index", index)
    for key, value in STARTER.items():
        table.add(key, value)
    tool.add("pipsrc", table)
    return tomlkit.dumps(doc)
