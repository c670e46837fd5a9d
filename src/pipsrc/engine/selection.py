"""Which rules run: ``select``/``ignore`` layers over the policy's own (as ruff does)."""

from __future__ import annotations

from pipsrc.policy import Policy, PolicyError
from pipsrc.records import record
from pipsrc.rules import ALIASES, BY_CODE, resolve_codes


@record
class Selection:
    """Which rules run: ``select``/``ignore`` layers over the policy's own.

    Layers apply in precedence order: policy file < environment (``env_*``) < command
    line. A layer's ``select`` replaces the rules chosen below it; its ``ignore`` removes
    rules. An ignore from a lower layer is carried over a higher ``select`` unless that
    select names the rule at least as specifically (as ruff does): a policy that ignores
    PS104 keeps it ignored under ``--select PS1``, but ``--select PS104`` brings it back.
    Without this, a narrow command-line select would silently undo the repository's
    deliberate ignores, or could never override them.
    """

    select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    env_select: tuple[str, ...] = ()
    env_ignore: tuple[str, ...] = ()

    def enabled(self, policy: Policy) -> set[str]:
        """The codes that run; an unknown code raises KeyError (PolicyError, with the
        policy file's line, for one written in the policy)."""
        check_policy_codes(policy)
        codes = set(BY_CODE)
        ignored: dict[str, int] = {}  # code -> specificity of the selector that ignored it
        for select, ignore in (
            (policy.select, policy.ignore),
            (self.env_select, self.env_ignore),
            (self.select, self.ignore),
        ):
            if select:
                chosen = _specificity(select)
                ignored = {c: s for c, s in ignored.items() if chosen.get(c, -1) < s}
                codes = set(chosen)
            for c, s in _specificity(ignore).items():
                ignored[c] = max(ignored.get(c, -1), s)
        return codes - set(ignored)


def _specificity(items: tuple[str, ...]) -> dict[str, int]:
    """Codes chosen by ``items``, each with how specific its most specific selector is.

    A code or rule name is the most specific (100), ``ALL`` the least (0), a prefix such
    as ``PS2`` counts its length. Unknown selectors raise KeyError (reported as exit 2).
    """
    out: dict[str, int] = {}
    for item in items:
        key = item.strip()
        if not key:
            continue
        codes = resolve_codes((key,))
        if key.upper() == "ALL":
            spec = 0
        elif len(codes) == 1 and (key.upper() in BY_CODE or key.lower() in ALIASES):
            spec = 100
        else:
            spec = len(key)
        for c in codes:
            out[c] = max(out.get(c, -1), spec)
    return out


def check_policy_codes(policy: Policy) -> None:
    """Raise :class:`PolicyError` (``file:line``) for a rule the policy names that does not
    exist, in ``select``, ``ignore`` or ``per-file-ignores``."""
    named = [("select", policy.select), ("ignore", policy.ignore)]
    named += [("per-file-ignores", codes) for _, codes in policy.per_file_ignores]
    for key, codes in named:
        try:
            resolve_codes(codes)
        except KeyError as exc:
            raise PolicyError(policy.source or "policy", policy.line_of(key), exc.args[0]) from None


def check_codes(items: tuple[str, ...], source: str) -> None:
    """Raise KeyError for an unknown rule in ``items``, its message naming ``source``: where
    the user wrote the list (``--select PS999``, ``PIPSRC_IGNORE=PS1,nosuch``)."""
    try:
        resolve_codes(items)
    except KeyError as exc:
        raise KeyError(f"{source}: {exc.args[0]}") from None
