"""What an oracle says when it disagrees with a fix, and how a test reports it."""

from __future__ import annotations

import difflib
import shlex
from dataclasses import dataclass, field

# Classes of disagreement, most serious first (a report names the most serious one first,
# and hypothesis keeps one minimal example per class: see :func:`failure`).
CLASSES: dict[str, str] = {
    "build-broke": "the install that succeeded before the fix fails after it (real pip)",
    "private-index-replaced": "a private or vendor index was replaced or dropped by the fix",
    "build-source-changed": "a package now comes from another index than the fix intended",
    "unset-without-set": "`pip config unset KEY` no longer has a `pip config set KEY` before it",
    "empty-compound": "a shell compound (then/else/do/{ }) was left with an empty body",
    "shell-syntax": "bash -n accepted the program before the fix and rejects it after",
    "dockerfile-parse": "BuildKit's parser accepted the Dockerfile before and rejects it after",
    "instructions-changed": "the Dockerfile's instruction sequence changed beyond edited values",
    "env-shadows-arg": "an inserted ENV shadows the build argument of the same name",
    "fallback-collapsed": "the branches of an `A || B || C` install fallback became identical",
    "requirements-parse": "pip's requirements parser accepted the file before and rejects it after",
    "pipconf-parse": "pip's config loader accepted the file before and rejects it after",
    "compose-parse": "ruamel.yaml loaded the compose file before and fails after",
    "compose-structure": "the compose document's structure changed beyond the edited scalars",
    "project-parse": "tomllib loaded the project file before and fails after",
    "project-structure": "a table of the project file that configures no index changed",
    "tox-parse": "configparser or tomllib loaded the tox configuration before and fails after",
    "tox-structure": "tox's sections, keys or tables changed beyond their URLs",
    "tox-value": "a tox or setuptools value changed beyond its URLs",
    "conda-schema": "conda's documented schema accepted the file before and rejects it after",
    "options-changed": "pip sees other options than the fix intended (requirements, pip.conf)",
    "unexpected-url": "the fix wrote a URL that is neither the policy index nor one from before",
    "hadolint-parse": "hadolint reports a new parse error (DL1000)",
    "hadolint-finding": "hadolint reports a finding the Dockerfile did not have before the fix",
    "check-after-fix": "`check` after `fix` names a finding that has a fix",
    "fix-not-idempotent": "a second `fix` changes the file again",
    "public-index-left": "a public index is still what pip uses after the fix",
}
_RANK = {c: i for i, c in enumerate(CLASSES)}


@dataclass(frozen=True)
class Disagreement:
    cls: str  # a key of CLASSES
    oracle: str  # which tool or check said so
    detail: str  # why, in one or a few lines

    def __post_init__(self) -> None:
        assert self.cls in CLASSES, self.cls

    def __str__(self) -> str:
        return f"[{self.cls}] {self.oracle}: {self.detail}"


def most_serious(found: list[Disagreement]) -> list[Disagreement]:
    return sorted(found, key=lambda d: (_RANK[d.cls], d.oracle, d.detail))


@dataclass
class CaseResult:
    """Everything the oracles said about one input and the fixes made to it."""

    path: str
    before: str
    fixes: dict[str, str] = field(default_factory=dict)  # mode -> text after the fix
    found: dict[str, list[Disagreement]] = field(default_factory=dict)  # mode -> disagreements
    policy_args: tuple[str, ...] = ("--mirror", "aliyun")

    def all(self) -> list[tuple[str, Disagreement]]:
        out = [(mode, d) for mode, ds in self.found.items() for d in ds]
        return sorted(out, key=lambda md: (_RANK[md[1].cls], md[0]))

    def classes(self) -> set[str]:
        return {d.cls for _, d in self.all()}

    def report(self) -> str:
        """A minimal reproduction of every disagreement: input, command, output, why."""
        lines: list[str] = []
        groups: dict[str, list[str]] = {}  # the fixed text -> the modes that made it
        for mode in self.found:
            if self.found[mode]:
                groups.setdefault(self.fixes.get(mode, self.before), []).append(mode)
        name = self.path.rsplit("/", 1)[-1]
        args = " ".join(shlex.quote(a) for a in self.policy_args)
        for after, modes in groups.items():
            flag = " --unsafe-fixes" if modes == ["unsafe"] else ""
            both = " (and with --unsafe-fixes: the same)" if len(modes) > 1 else ""
            lines.append(f"pipsrc fix{flag} {args}{both}: {self.path}")
            seen: set[str] = set()
            for mode in modes:
                for d in most_serious(self.found[mode]):
                    if str(d) not in seen:
                        seen.add(str(d))
                        lines.append(f"  {d}")
            lines.append("  reproduce:")
            lines.append(f"    mkdir repro && cd repro && cat > {name} <<'PIPSRC_EOF'")
            lines += [f"    {ln}" for ln in self.before.splitlines()]
            lines.append("    PIPSRC_EOF")
            lines.append(f"    python -m pipsrc fix{flag} {args} {name}")
            lines.append("  the fix made:")
            diff = difflib.unified_diff(
                self.before.splitlines(), after.splitlines(), "before", "after", lineterm="", n=2
            )
            lines += [f"    {ln}" for ln in diff]
        return "\n".join(lines)


_ERRORS: dict[str, type[AssertionError]] = {}


def error_type(cls: str) -> type[AssertionError]:
    """One AssertionError subclass per class of disagreement.

    hypothesis tells failures apart by exception type and origin, so a property that meets
    several classes reports (and shrinks) one minimal example of each.
    """
    if cls not in _ERRORS:
        name = "Disagreement_" + cls.replace("-", "_")
        _ERRORS[cls] = type(name, (AssertionError,), {"__module__": __name__})
    return _ERRORS[cls]


def failure(result: CaseResult) -> AssertionError | None:
    """The exception a test raises for ``result`` (its most serious class), or None."""
    found = result.all()
    if not found:
        return None
    return error_type(found[0][1].cls)("\n" + result.report())
