"""The oracles: for one file before and after a fix, every disagreement of a real tool.

:func:`compare` takes (path, before text, after text) and asks, by the file's kind:

* shell: ``bash -n``; the shell walk (``pip config unset`` with no ``set`` before it, empty
  compound bodies, collapsed ``||`` install fallbacks); Dockerfiles embedded in heredocs
* Dockerfile: BuildKit's parser; the instruction sequence; ``bash -n`` on every RUN program;
  the walk over each stage; inserted ENV shadowing an ARG; hadolint (no new finding)
* requirements: pip's parser, and the options pip then sees
* pip.conf: pip's loader, configparser in strict mode, the values pip then sees
* compose: ruamel.yaml, and the document's structure
* project files (pyproject.toml, uv.toml, Pipfile, pdm.toml, pixi.toml): tomllib, and every
  table that configures no index unchanged
* tox and setuptools configuration (tox.ini, setup.cfg, tox.toml, ``[tool.tox]``):
  configparser and tomllib, and nothing but URLs changed (tests/oracles/toxconf.py)
* every kind: no private or vendor index lost, no URL from nowhere

"Accepted before => accepted after": a tool that already rejected the input says nothing.
What a fix *intends* is judged with the oracles' own URL table (tests/oracles/urls.py): a
public index (PyPI, a catalogued mirror) ends at the policy index; a private or vendor index
stays as it is; nothing else about what pip reads changes.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from pathlib import PurePosixPath

from tests.oracles import compose, dockerfile, pipfiles, project, shell, tools, toxconf
from tests.oracles.model import Disagreement
from tests.oracles.urls import (
    POLICY_URL,
    canonical_forms,
    classify,
    host_of,
    normalise,
    routed_form,
    upstream_only,
    urls_in,
)

KINDS = ("dockerfile", "shell", "requirements", "pipconf", "compose", "project")


def kind_of(path: str) -> str | None:
    name = PurePosixPath(path).name.lower()
    if "dockerfile" in name or "containerfile" in name:
        return "dockerfile"
    if name.endswith((".sh", ".bash")):
        return "shell"
    if name.endswith(".txt") and ("requirements" in name or name.startswith("constraints")):
        return "requirements"
    if name in ("pip.conf", "pip.ini"):
        return "pipconf"
    if re.fullmatch(r"(docker-)?compose.*\.ya?ml", name):
        return "compose"
    if name in ("pyproject.toml", "uv.toml", "pipfile", "pdm.toml", "pixi.toml"):
        return "project"
    if name in ("tox.ini", "setup.cfg", "tox.toml"):
        return "tox"
    if re.fullmatch(r"\.?condarc(\.ya?ml)?|\.mambarc", name):
        return "condarc"
    if re.fullmatch(r"(.*[-_.])?environment([-_.].*)?\.ya?ml|env([-_.].*)?\.ya?ml", name):
        return "conda-env"
    return None


def compare(
    path: str,
    before: str,
    after: str,
    *,
    policy: str = POLICY_URL,
    siblings: dict[str, str] | None = None,
    requirements: tuple[pipfiles.RequirementsView | str, pipfiles.RequirementsView | str]
    | None = None,
    conda: str | None = None,
) -> list[Disagreement]:
    """Every oracle's disagreement about the fix ``before`` -> ``after`` of ``path``.

    ``siblings`` are files next to a requirements file (for ``-r``); ``requirements`` may
    carry pip's parse of both versions when the caller parsed them in place (fixtures).
    """
    if before == after:
        return []
    kind = kind_of(path)
    out: list[Disagreement] = []
    if kind == "dockerfile":
        out += dockerfile_oracles(before, after)
    elif kind == "shell":
        out += shell_oracles(before, after)
    elif kind == "requirements":
        out += requirements_oracles(before, after, policy, siblings, requirements)
    elif kind == "pipconf":
        out += pipconf_oracles(before, after, policy)
    elif kind == "compose":
        out += compose_oracles(before, after)
    elif kind == "project":
        out += project_oracles(before, after)
        out += tox_oracles(path, before, after)
    elif kind == "tox":
        out += tox_oracles(path, before, after)
    elif kind in ("condarc", "conda-env"):
        out += conda_oracles(kind, before, after)
    out += url_oracles(before, after, policy, conda)
    return out


def conda_oracles(kind: str, before: str, after: str) -> list[Disagreement]:
    """conda's documented schema (conda itself does not install from PyPI): a file it
    accepted before must still be accepted, with as many channels and pip lines."""
    from tests.kinds import condaschema

    read = condaschema.condarc if kind == "condarc" else condaschema.environment
    try:
        old = read(before.replace("\r\n", "\n"))
    except Exception:
        return []
    try:
        new = read(after.replace("\r\n", "\n"))
    except Exception as exc:
        return [Disagreement("conda-schema", "conda schema", _first_line(str(exc)))]
    # what a fix may add: `nodefaults` to an environment's channels, `default_channels`
    # to a .condarc (PS602's unsafe fixes); every other list keeps its length
    if kind == "conda-env":
        new["channels"] = [c for c in new["channels"] if c != "nodefaults"]
        old["channels"] = [c for c in old["channels"] if c != "nodefaults"]
    if "default_channels" not in old:
        new.pop("default_channels", None)
    shape = {k: len(v) for k, v in old.items() if isinstance(v, list | dict)}
    if shape != {k: len(v) for k, v in new.items() if isinstance(v, list | dict)}:
        return [Disagreement("conda-schema", "conda schema", f"{old} became {new}")]
    return []


# --- shell ---------------------------------------------------------------------------------


def _bash(label: str, before: str, after: str) -> list[Disagreement]:
    if tools.bash_n(before) is not None:
        return []
    err = tools.bash_n(after)
    if err is None:
        return []
    new_empty = _new(shell.empty_bodies(before), shell.empty_bodies(after))
    cls = "empty-compound" if new_empty else "shell-syntax"
    why = f"; empty body: {', '.join(new_empty)}" if new_empty else ""
    return [Disagreement(cls, f"bash -n ({label})", f"{_first_line(err)}{why}")]


def _new(before: Iterable[str], after: Iterable[str]) -> list[str]:
    return list((Counter(after) - Counter(before)).elements())


def _walk_oracles(b: shell.Findings, a: shell.Findings, where: str) -> list[Disagreement]:
    out: list[Disagreement] = []
    for unset in _new(b.failing_unsets, a.failing_unsets):
        out.append(
            Disagreement(
                "unset-without-set",
                f"shell walk ({where})",
                f"{unset} runs with no `pip config set` of that key before it: "
                'pip fails with "No such key"',
            )
        )
    empty = _new(b.empty, a.empty)
    if empty:
        out.append(
            Disagreement(
                "empty-compound",
                f"shell walk ({where})",
                f"compound left with an empty body: {', '.join(empty)}",
            )
        )
    for i, j in _paired_chains(b.chain_texts, a.chain_texts):
        sb, sa = set(b.chains[i]), set(a.chains[j])
        if len(sb) > 1 and len(sa) == 1:
            out.append(
                Disagreement(
                    "fallback-collapsed",
                    f"shell walk ({where})",
                    f"{b.chain_texts[i]!r} -> {a.chain_texts[j]!r}: every branch "
                    f"now installs the same way ({_sig(a.chains[j][0])})",
                )
            )
    return out


def _paired_chains(before: list[str], after: list[str]) -> list[tuple[int, int]]:
    """Which fallback chain after the fix is which one before it: the chains in order, by
    their commands with the URLs and their flags left out (a fix that cut a chain to one
    attempt leaves no chain to pair, rather than shifting the others)."""
    import difflib

    def shape(text: str) -> str:
        return re.sub(r"(?:-i|--index-url|--extra-index-url)[= ]\S+|https?://\S+", "", text)

    # a chain the fix left as it was is itself after the fix (and collapsed nothing)
    exact = difflib.SequenceMatcher(a=before, b=after, autojunk=False)
    same_i = {i + k for i, _j, n in exact.get_matching_blocks() for k in range(n)}
    same_j = {j + k for _i, j, n in exact.get_matching_blocks() for k in range(n)}
    rest_b = [i for i in range(len(before)) if i not in same_i]
    rest_a = [j for j in range(len(after)) if j not in same_j]
    sm = difflib.SequenceMatcher(
        a=[shape(before[i]) for i in rest_b], b=[shape(after[j]) for j in rest_a], autojunk=False
    )
    return [
        (rest_b[i1 + k], rest_a[j1 + k])
        for op, i1, i2, j1, j2 in sm.get_opcodes()
        if op in ("equal", "replace")
        for k in range(min(i2 - i1, j2 - j1))
    ]


def _sig(sig: tuple[str, ...]) -> str:
    return f"index {sig[0]}"


def shell_oracles(before: str, after: str) -> list[Disagreement]:
    out = _bash("script", before, after)
    b, a = shell.Findings(), shell.Findings()
    shell.walk(before, shell.State(), b)
    shell.walk(after, shell.State(), a)
    found = _walk_oracles(b, a, "script")
    if any(d.cls == "empty-compound" for d in out):
        found = [d for d in found if d.cls != "empty-compound"]
    out += found
    # Dockerfiles written by the script (cat > Dockerfile <<'EOF')
    emb_b = [body for head, _, body in shell.iter_heredocs(before) if "ockerfile" in head]
    emb_a = [body for head, _, body in shell.iter_heredocs(after) if "ockerfile" in head]
    for i, (eb, ea) in enumerate(zip(emb_b, emb_a, strict=False)):
        if eb != ea:
            for d in dockerfile_oracles(eb, ea):
                out.append(
                    Disagreement(d.cls, f"{d.oracle} (embedded Dockerfile #{i + 1})", d.detail)
                )
    return out


# --- Dockerfile ------------------------------------------------------------------------------


def dockerfile_oracles(before: str, after: str) -> list[Disagreement]:
    out: list[Disagreement] = []
    cb, _ = dockerfile.parse(before)
    ca, err_a = dockerfile.parse(after)
    if cb is not None and ca is None:
        out.append(Disagreement("dockerfile-parse", "BuildKit parser", str(err_a)))
    if cb is not None and ca is not None:
        cmp = dockerfile.compare(cb, ca)
        for p in cmp.problems:
            out.append(Disagreement("instructions-changed", "BuildKit parser", p))
        for ib, ia in cmp.pairs:
            pb, pa = dockerfile.programs(ib), dockerfile.programs(ia)
            for progb, proga in zip(pb, pa, strict=False):
                if progb.text != proga.text:
                    out += _bash(f"{proga.label}, as BuildKit runs it", progb.text, proga.text)
        for line in dockerfile.inserted_env_shadowing_args(ca, cmp):
            out.append(Disagreement("env-shadows-arg", "BuildKit ENV/ARG scoping", line))
        found = _walk_oracles(dockerfile.walk(cb), dockerfile.walk(ca), "stages")
        if any(d.cls == "empty-compound" for d in out):
            found = [d for d in found if d.cls != "empty-compound"]
        out += found
    hb, ha = tools.hadolint([before, after])
    if any(code == "DL1000" for code, _ in hb):
        return out  # hadolint could not read it before the fix: it has nothing to compare
    for code, message in _new(hb.elements(), ha.elements()):
        if _latent(code, message, before):
            continue
        cls = "hadolint-parse" if code == "DL1000" else "hadolint-finding"
        out.append(Disagreement(cls, "hadolint", f"new {code}: {message}"))
    return out


def _latent(code: str, message: str, before: str) -> bool:
    """A shellcheck parser warning about a word the file already had (SC1010 on `echo done`):
    shellcheck drops such warnings from a command that has an analysis finding (SC2015 on
    `A && B || C`), so a fix that removes the `|| C` brings it to light rather than causes
    it. Only warnings that quote the word they are about, present before, qualify."""
    m = re.search(r"'([^']+)'", message)
    return (
        code.startswith("SC1")
        and m is not None
        and re.search(rf"(?<![\w-]){re.escape(m.group(1))}(?![\w-])", before) is not None
    )


# --- requirements ----------------------------------------------------------------------------


def requirements_oracles(
    before: str,
    after: str,
    policy: str,
    siblings: dict[str, str] | None,
    parsed: tuple[pipfiles.RequirementsView | str, pipfiles.RequirementsView | str] | None,
) -> list[Disagreement]:
    if parsed is None:
        vb = pipfiles.parse_requirements_text(before, siblings=siblings)
        va = pipfiles.parse_requirements_text(after, siblings=siblings)
    else:
        vb, va = parsed
    if isinstance(vb, str):
        return []
    if isinstance(va, str):
        return [Disagreement("requirements-parse", "pip parse_requirements", _first_line(va))]
    out: list[Disagreement] = []
    oracle = "pip parse_requirements"
    for what in ("requirements", "find_links", "no_index"):
        if getattr(vb, what) != getattr(va, what):
            out.append(
                Disagreement(
                    "options-changed", oracle, f"{what}: {getattr(vb, what)} -> {getattr(va, what)}"
                )
            )
    out += _index_intent(
        list(vb.index_urls),
        list(va.index_urls),
        vb.trusted_hosts,
        va.trusted_hosts,
        policy,
        oracle,
        suppressed(before),
    )
    return out


def _index_intent(
    before: list[str],
    after: list[str],
    trusted_before: Iterable[str],
    trusted_after: Iterable[str],
    policy: str,
    oracle: str,
    exempt: set[str],
) -> list[Disagreement]:
    """Primary + extra indexes pip uses, before -> after, against what a fix intends."""
    out: list[Disagreement] = []
    cli = pipfiles.CLI_INDEX
    nb = [u if u == cli else normalise(u) for u in before]
    na = [u if u == cli else normalise(u) for u in after]
    pol = normalise(policy)
    for i, u in enumerate(nb):
        role = "index" if i == 0 else "extra index"
        if u == cli or u in exempt:
            continue
        cls = classify(u, policy)
        if cls in ("private", "vendor", "unknown"):
            if u not in na and routed_form(u, policy) not in na:
                out.append(
                    Disagreement(
                        "private-index-replaced",
                        oracle,
                        f"{cls} {role} {before[i]} is gone: pip now uses {list(after)}",
                    )
                )
        elif cls == "public" and u in na:
            out.append(
                Disagreement(
                    "public-index-left", oracle, f"public {role} {before[i]} is still used"
                )
            )
    primary_public = nb and nb[0] != cli and classify(nb[0], policy) in ("public", "policy")
    if primary_public and na and na[0] not in (pol, nb[0], cli):
        out.append(
            Disagreement(
                "options-changed",
                oracle,
                f"index {before[0]} became {after[0]}, not the policy index {policy}",
            )
        )
    tb = {h.lower() for h in trusted_before}
    ta = {h.lower() for h in trusted_after}
    http_b = [u for u in before if u.startswith("http://")]
    if all(host_of(u) in tb or host_of(u).split(":")[0] in tb for u in http_b):
        for u in after:
            if u.startswith("http://") and not {host_of(u), host_of(u).split(":")[0]} & ta:
                out.append(
                    Disagreement(
                        "options-changed",
                        oracle,
                        f"http index {u} has no trusted-host any more: pip refuses it",
                    )
                )
    return out


# --- pip.conf --------------------------------------------------------------------------------


def pipconf_oracles(before: str, after: str, policy: str) -> list[Disagreement]:
    vb, va = pipfiles.load_config_text(before), pipfiles.load_config_text(after)
    out: list[Disagreement] = []
    raw_b, raw_a = pipfiles.raw_config(before), pipfiles.raw_config(after)
    if raw_b is None and raw_a is not None:
        out.append(Disagreement("pipconf-parse", "configparser (strict)", _first_line(raw_a)))
    if isinstance(vb, str):
        return out
    if isinstance(va, str):
        out.append(Disagreement("pipconf-parse", "pip config loader", " ".join(va.split())))
        return out
    oracle = "pip config loader"
    index_keys = ("index-url", "extra-index-url", "trusted-host")
    other_b = {k: v for k, v in vb.values.items() if k.split(".", 1)[-1] not in index_keys}
    other_a = {k: v for k, v in va.values.items() if k.split(".", 1)[-1] not in index_keys}
    if other_b != other_a:
        out.append(
            Disagreement("options-changed", oracle, f"other settings {other_b} -> {other_a}")
        )
    exempt = suppressed(before)
    for section in sorted({k.split(".", 1)[0] for k in [*vb.values, *va.values]}):
        ib = _conf_indexes(vb.values, section)
        ia = _conf_indexes(va.values, section)
        tb = vb.values.get(f"{section}.trusted-host", "").split()
        ta = va.values.get(f"{section}.trusted-host", "").split()
        out += _index_intent(ib, ia, tb, ta, policy, f"{oracle} [{section}]", exempt)
    return out


def _conf_indexes(values: dict[str, str], section: str) -> list[str]:
    primary = values.get(f"{section}.index-url")
    extras = values.get(f"{section}.extra-index-url", "").split()
    return [primary.strip() if primary else pipfiles.CLI_INDEX, *extras]


# --- compose ---------------------------------------------------------------------------------

_PIP_SCALAR = re.compile(r"https?://|PIP_|UV_|trusted|[a-z0-9-]+\.[a-z]{2,}", re.I)


def compose_oracles(before: str, after: str) -> list[Disagreement]:
    db, err_b = compose.load(before)
    da, err_a = compose.load(after)
    if err_b is not None:
        return []
    if err_a is not None:
        return [Disagreement("compose-parse", "ruamel.yaml", err_a)]
    problems, changes = compose.changed_scalars(db, da)
    out = [Disagreement("compose-structure", "ruamel.yaml", p) for p in problems]
    for where, old, new in changes:
        if not (_PIP_SCALAR.search(str(old)) or _PIP_SCALAR.search(where)):
            out.append(
                Disagreement(
                    "compose-structure",
                    "ruamel.yaml",
                    f"{where}: {old!r} -> {new!r} is not an index setting",
                )
            )
    return out


def project_oracles(before: str, after: str) -> list[Disagreement]:
    db, _ = project.load(before)
    da, err_a = project.load(after)
    if db is None:
        return []
    if da is None:
        return [Disagreement("project-parse", "tomllib", _first_line(err_a or ""))]
    changed = project.changed_outside_index_tables(db, da)
    return [
        Disagreement("project-structure", "tomllib", f"[{key}] changed, not an index table")
        for key in changed
    ]


def tox_oracles(path: str, before: str, after: str) -> list[Disagreement]:
    name = PurePosixPath(path).name
    if name == "tox.toml":
        found = toxconf.toml_disagreements(before, after, ())
    elif name == "pyproject.toml":
        found = toxconf.toml_disagreements(before, after, ("tool", "tox"))
    else:
        found = toxconf.ini_disagreements(before, after)
    oracle = "tomllib" if name.endswith(".toml") else "configparser"
    return [Disagreement(cls, oracle, detail) for cls, detail in found]


# --- URLs, every kind --------------------------------------------------------------------------


def suppressed(text: str) -> set[str]:
    """Normalised URLs an inline ``# pipsrc: ignore`` keeps out of the fix."""
    lines = text.splitlines()
    if any("pipsrc: ignore-file" in ln for ln in lines):
        return {normalise(u) for u in urls_in(text)}
    out: set[str] = set()
    for i, ln in enumerate(lines):
        if "pipsrc: ignore" in ln or (i and "pipsrc: ignore" in lines[i - 1]):
            out |= {normalise(u) for u in urls_in(ln)}
    return out


def url_oracles(
    before: str, after: str, policy: str, conda: str | None = None
) -> list[Disagreement]:
    out: list[Disagreement] = []
    nb = {normalise(u): u for u in urls_in(before)}
    na = {normalise(u): u for u in urls_in(after)}
    for n, u in nb.items():
        routed = routed_form(u, policy)
        if classify(u, policy) in ("private", "vendor") and n not in na and routed not in na:
            out.append(
                Disagreement(
                    "private-index-replaced",
                    "URL classes",
                    f"{classify(u, policy)} index {u} is gone from the file; "
                    f"now it names {sorted(set(na.values()) - set(nb.values()))}",
                )
            )
    allowed = {normalise(policy)} | {c for u in nb for c in canonical_forms(u)}
    allowed |= {"https://" + n.removeprefix("http://") for n in nb if n.startswith("http://")}
    allowed |= {r for u in nb.values() if (r := routed_form(u, policy)) is not None}
    mirror = normalise(conda).rstrip("/") + "/" if conda else None
    for n, u in na.items():
        public = classify(u, policy) in ("public", "policy") and upstream_only(after, u)
        if n not in allowed and not (mirror and n.startswith(mirror)) and not public:
            out.append(
                Disagreement(
                    "unexpected-url",
                    "URL classes",
                    f"{u} appears after the fix, and is neither the policy index "
                    "nor a URL of the file before",
                )
            )
    return out


def _first_line(text: str) -> str:
    return text.strip().splitlines()[0] if text.strip() else text
