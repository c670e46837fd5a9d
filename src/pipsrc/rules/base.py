"""What a rule is: metadata, documentation, examples, and a ``check`` generator.

Rules yield :class:`Violation` records; the engine stamps code, severity, path
and position, applies suppressions and redacts every string (one choke point).
Documentation and the rule pages under ``rules/`` are generated from the class
attributes, and the good/bad examples are run by one parametrized test, which also
checks them against what the rule declares: the file kinds it applies to (``kinds``)
and the applicabilities of the fixes it emits (``fix_applicability`` and ``also``).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING, ClassVar

from pipsrc.kinds import REGISTRY
from pipsrc.model import Applicability, Document, Fix, Severity, Span
from pipsrc.records import field, record

if TYPE_CHECKING:
    from pipsrc.context import Context


# every file kind that holds pip or uv settings: what a rule applies to unless it says
# otherwise (a .condarc holds only conda channels: no pip rule can fire there; a lock file is
# a tool's output, judged by its own rule only)
ALL_KINDS: frozenset[str] = frozenset(spec.kind for spec in REGISTRY if spec.pip) - {"lockfile"}
# every file kind of the registry (parse errors, suppressions, credentials)
EVERY_KIND: frozenset[str] = frozenset(spec.kind for spec in REGISTRY) - {"lockfile"}


@record(frozen=True)
class Example:
    """A small file the rule is run on by the test suite.

    ``path`` decides the file kind (``Dockerfile``, ``build.sh``,
    ``requirements.txt``, ``pip.conf``, ``docker-compose.yml``). ``mirror``,
    ``proxy`` and ``policy`` are the policy for the example (default:
    ``--mirror aliyun``); ``policy`` alone is a policy file that names no index on
    the command line. For a bad example, ``fixed`` is the text after ``pipsrc fix``
    (with ``unsafe`` if the fix needs ``--unsafe-fixes``); None means the rule
    offers no fix there.
    """

    path: str
    text: str
    fixed: str | None = None
    unsafe: bool = False
    mirror: str | None = "aliyun"
    proxy: str | None = None
    policy: str | None = None  # extra policy TOML lines ([tool.pipsrc] body)


@record
class Violation:
    span: Span
    message: str
    value: str = ""
    fix: Fix | None = None
    related: list[Span] = field(default_factory=list)
    severity: Severity | None = None  # override the rule's default


class Rule:
    code: ClassVar[str]
    name: ClassVar[str]
    severity: ClassVar[Severity] = Severity.ERROR
    summary: ClassVar[str]
    why: ClassVar[str]
    fix_safety: ClassVar[str]
    # the usual applicability of the rule's fixes (None: it never offers one) ...
    fix_applicability: ClassVar[Applicability | None] = None
    # ... and the others it emits in some cases, which ``fix_safety`` explains
    also: ClassVar[frozenset[Applicability]] = frozenset()
    # the file kinds it can fire in (names of pipsrc.kinds.REGISTRY)
    kinds: ClassVar[frozenset[str]] = ALL_KINDS
    needs_policy: ClassVar[bool] = False
    good: ClassVar[Sequence[Example]] = ()
    bad: ClassVar[Sequence[Example]] = ()

    def check(self, doc: Document, ctx: Context) -> Iterator[Violation]:
        return iter(())
