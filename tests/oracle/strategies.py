"""Generated scenarios: a hypothesis strategy, drawn into a fixed, deterministic list.

Each scenario costs a real pip or uv run, so the generated tests cannot use ``@given``
under the suite's profiles (1,000 examples in CI) and must not lower ``max_examples`` on a
test either (tests/reliability/test_profiles.py). Instead :func:`generated` asks the
:func:`scenarios` strategy for a fixed number of examples once, at collection time, with
``derandomize=True`` and no example database, so the list is the same on every machine and
every run; each becomes one parametrized test. How many: :func:`count`.
"""

from __future__ import annotations

import contextlib
import os

from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from tests.oracle.scenario import (
    BOOL_ENV,
    CONF_PATHS,
    NAMES,
    NEEDS_NAMESPACE,
    PIP_COMMANDS,
    PIP_ENV,
    PROJECT_COMMANDS,
    UV_ENV,
    ConfigSet,
    Env,
    PipConf,
    ReqFile,
    Scenario,
    UvConf,
)

MIN_SCENARIOS = 300

names = st.sampled_from(NAMES)


def count() -> int:
    """Scenarios to generate: ``ORACLE_SCENARIOS`` if set, else 30% of the active hypothesis
    profile's ``max_examples`` but at least 300 (ci and dev: 300; long: 1,500)."""
    if os.environ.get("ORACLE_SCENARIOS"):
        return int(os.environ["ORACLE_SCENARIOS"])
    active = settings.default
    examples = active.max_examples if active is not None else 100
    return max(MIN_SCENARIOS, min(examples * 3 // 10, 5000))


def _weighted(*pairs: tuple[int, object]) -> st.SearchStrategy[object]:
    return st.sampled_from([v for w, v in pairs for _ in range(w)])


@st.composite
def pip_confs(draw: st.DrawFn, form: str, command: str) -> tuple[PipConf, ...]:
    levels = draw(st.lists(st.sampled_from(list(CONF_PATHS)), max_size=3, unique=True))
    out = []
    for level in levels:
        section = draw(_weighted((6, "global"), (2, "install"), (1, "download"), (1, "wheel")))
        index = draw(st.none() | names)
        extras = tuple(draw(st.lists(names, max_size=2, unique=True)))
        no_index = draw(_weighted((12, False), (1, True)))
        if index is None and not extras and not no_index:
            index = draw(names)
        writers = (
            ["heredoc", "printf", "mkdir&&printf"]
            if form == "shell"
            else ["printf", "mkdir&&printf"]
        )
        if form == "dockerfile" and CONF_PATHS[level].startswith(NEEDS_NAMESPACE):
            writers.append("copy")
        writer = draw(st.sampled_from(writers))
        out.append(PipConf(level, str(section), index, extras, bool(no_index), writer))
    return tuple(out)


@st.composite
def envs(draw: st.DrawFn, tool: str, form: str) -> tuple[Env, ...]:
    own, other = (PIP_ENV, UV_ENV) if tool == "pip" else (UV_ENV, PIP_ENV)
    pool = list(own) + list(other[:2])  # the other tool's variables now and then
    chosen = draw(st.lists(st.sampled_from(pool), max_size=3, unique=True))
    hows = ["export", "prefix"] if form == "shell" else ["env", "arg", "export", "prefix"]
    out = []
    for name in chosen:
        if name in BOOL_ENV:
            # "1" (it hides every index), or set but empty
            empty = draw(_weighted((2, False), (1, True)))
            out.append(Env(name, (), str(draw(st.sampled_from(hows))), bool(empty)))
            continue
        empty = draw(_weighted((6, False), (1, True)))
        many = name in ("PIP_EXTRA_INDEX_URL", "UV_INDEX", "UV_EXTRA_INDEX_URL")
        value = tuple(draw(st.lists(names, min_size=1, max_size=2 if many else 1, unique=True)))
        how = str(draw(st.sampled_from(hows)))
        out.append(Env(name, () if empty else value, how, bool(empty)))
    return tuple(out)


@st.composite
def config_sets(draw: st.DrawFn) -> tuple[ConfigSet, ...]:
    n = draw(_weighted((5, 0), (3, 1), (1, 2)))
    out = []
    for _ in range(int(n)):  # type: ignore[call-overload]
        flag = draw(st.sampled_from(["", "--user", "--global", "--site"]))
        key = draw(_weighted((5, "global.index-url"), (2, "install.index-url"),
                             (1, "download.index-url"), (2, "global.extra-index-url")))  # fmt: skip
        value = (draw(names),)
        out.append(ConfigSet(str(flag), str(key), value))
    return tuple(out)


@st.composite
def req_files(
    draw: st.DrawFn, tool: str
) -> tuple[tuple[tuple[str, str], ...], tuple[ReqFile, ...]]:
    """(the CLI's -r/-c flags, the files)."""
    flags: list[tuple[str, str]] = []
    files: list[ReqFile] = []
    if not draw(_weighted((1, False), (1, True))):
        return (), ()

    def options() -> tuple[tuple[str, str], ...]:
        opts: list[tuple[str, str]] = []
        if draw(_weighted((1, True), (1, False))):
            opts.append((str(draw(st.sampled_from(["-i", "--index-url"]))), draw(names)))
        for x in draw(st.lists(names, max_size=1)):
            opts.append(("--extra-index-url", x))
        if draw(_weighted((12, False), (1, True))):
            opts.append(("--no-index", ""))
        draw(st.randoms()).shuffle(opts)
        return tuple(opts)

    nested = draw(_weighted((3, False), (1, True)))
    constraint = draw(_weighted((3, None), (1, "cli"), (1, "nested")))
    main_opts = list(options())
    if nested:
        files.append(ReqFile("requirements/base.txt", options()))
        main_opts.append(("-r", "requirements/base.txt"))
    if constraint == "nested":
        main_opts.append(("-c", "constraints.txt"))
    files.insert(0, ReqFile("requirements.txt", tuple(main_opts), requirement=True))
    flags.append(("-r", "requirements.txt"))
    if constraint is not None:
        files.append(ReqFile("constraints.txt", options()))
        if constraint == "cli":
            flags.append(("-c", "constraints.txt"))
    return tuple(flags), tuple(files)


@st.composite
def uv_confs(draw: st.DrawFn, command: str) -> tuple[UvConf, ...]:
    project = command in PROJECT_COMMANDS
    wheres = draw(st.lists(st.sampled_from(["uv.toml", "pyproject", "user", "system"]),
                           max_size=2, unique=True))  # fmt: skip
    out = []
    for where in wheres:
        index_url = draw(st.none() | names)
        extra = tuple(draw(st.lists(names, max_size=1)))
        entries = draw(
            st.lists(st.tuples(names, st.booleans()), max_size=2, unique_by=lambda t: t[0])
        )
        pip = (
            not project
            and where in ("uv.toml", "pyproject")
            and draw(_weighted((3, False), (1, True)))
        )
        no_index = draw(_weighted((15, False), (1, True)))
        if index_url is None and not extra and not entries and not no_index:
            index_url = draw(names)
        if where in ("user", "system") and pip:
            pip = False
        out.append(UvConf(str(where), index_url, extra, tuple(entries), bool(no_index), bool(pip)))
    return tuple(out)


@st.composite
def cli_flags(draw: st.DrawFn, command: str) -> tuple[tuple[str, str], ...]:
    uv = command.startswith("uv")
    out: list[tuple[str, str]] = []
    if draw(_weighted((1, True), (1, False))):
        flag = draw(st.sampled_from(["-i", "--index-url", "--default-index"] if uv
                                    else ["-i", "--index-url"]))  # fmt: skip
        out.append((str(flag), draw(names)))
    for x in draw(st.lists(names, max_size=2, unique=True)):
        flag = draw(st.sampled_from(["--extra-index-url", "--index"] if uv
                                    else ["--extra-index-url"]))  # fmt: skip
        out.append((str(flag), x))
    if draw(_weighted((12, False), (1, True))):
        out.append(("--no-index", ""))
    draw(st.randoms()).shuffle(out)
    return tuple(out)


@st.composite
def scenarios(draw: st.DrawFn) -> Scenario:
    command = str(draw(_weighted(
        (5, "pip install"), (4, "pip download"), (2, "pip wheel"), (3, "python -m pip install"),
        (5, "uv pip install"), (2, "uv pip compile"), (1, "uv sync"), (1, "uv lock"),
    )))  # fmt: skip
    tool = "uv" if command.startswith("uv") else "pip"
    form = str(draw(_weighted((3, "shell"), (2, "dockerfile"))))
    flags = list(draw(cli_flags(command)))
    reqs: tuple[ReqFile, ...] = ()
    if command not in PROJECT_COMMANDS:
        req_flags, reqs = draw(req_files(tool))
        flags += list(req_flags)
    env = draw(envs(tool, form))
    pipconfs = draw(pip_confs(form, command)) if (tool == "pip" or draw(st.booleans())) else ()
    config_file = draw(_weighted((6, None), (2, "file"), (1, "missing"), (1, "devnull")))
    if config_file == "file":
        section = str(draw(_weighted((3, "global"), (1, "install"), (1, "download"))))
        pipconfs = (*pipconfs, PipConf("file", section, draw(names)))
    sets = draw(config_sets()) if tool == "pip" or draw(_weighted((3, False), (1, True))) else ()
    uv: tuple[UvConf, ...] = ()
    if tool == "uv" or draw(_weighted((6, False), (1, True))):
        uv = draw(uv_confs(command))
    return Scenario(
        command=command,
        flags=tuple(flags),
        env=env,
        pipconfs=pipconfs,
        config_sets=sets,
        config_file=None if config_file is None else str(config_file),
        config_file_how=str(draw(st.sampled_from(["export", "prefix"]))),
        reqs=reqs,
        uv=uv,
        form=form,
    )


def valid(s: Scenario) -> bool:
    """Scenarios a real client refuses for reasons outside the index model are left out."""
    if s.config_file == "devnull" and s.config_sets:
        return (
            False  # pip config set: "Cannot write to PIP_CONFIG_VALUE when it is set to /dev/null"
        )
    if s.tool == "uv":
        req_index = sum(1 for r in s.reqs for o, _ in r.options if o in ("-i", "--index-url"))
        if req_index > 1:
            return False  # uv: "Multiple `--index-url` values provided"
        if uv_roles_overlap(s):
            return False
    return True


def uv_roles_overlap(s: Scenario) -> bool:
    """Whether one index is both a default index and an extra index somewhere in ``s``.

    uv consults each URL once, so such an index is read at its extra position and the run
    no longer shows which index was the default (lowest priority) one: the harness reads
    uv's default index as the last one consulted. These scenarios are left out.
    """
    default: set[str] = set()
    extra: set[str] = set()
    for flag, value in s.flags:
        if flag in ("-i", "--index-url", "--default-index"):
            default.add(value)
        elif flag in ("--extra-index-url", "--index"):
            extra.add(value)
    for e in s.env:
        if e.empty:
            continue
        if e.name in ("UV_INDEX_URL", "UV_DEFAULT_INDEX"):
            default.update(e.value)
        elif e.name in ("UV_INDEX", "UV_EXTRA_INDEX_URL"):
            extra.update(e.value)
    for r in s.reqs:
        for opt, value in r.options:
            if opt in ("-i", "--index-url"):
                default.add(value)
            elif opt == "--extra-index-url":
                extra.add(value)
    for u in s.uv:
        if u.index_url:
            default.add(u.index_url)
        extra.update(u.extra_index_url)
        for name, is_default in u.index:
            (default if is_default else extra).add(name)
    return bool(default & extra)


def generated(n: int | None = None) -> list[Scenario]:
    """``n`` distinct scenarios (default :func:`count`), the same list on every run."""
    n = count() if n is None else n
    out: dict[str, Scenario] = {}

    class Enough(Exception):
        pass

    @settings(max_examples=n * 4, derandomize=True, database=None, phases=[Phase.generate],
              deadline=None, suppress_health_check=list(HealthCheck), report_multiple_bugs=False,
              print_blob=False)  # fmt: skip
    @given(scenarios())
    def collect(s: Scenario) -> None:
        if valid(s):
            out.setdefault(s.key, s)
        if len(out) >= n:
            raise Enough

    with contextlib.suppress(Enough):
        collect()
    return list(out.values())[:n]


__all__ = ["PIP_COMMANDS", "count", "generated", "scenarios"]
