"""Generate a synthetic monorepo for the pipsrc benchmark, deterministically from a seed.

The tree looks like a Python-heavy monorepo: ``services/<name>/`` directories full of
ordinary source (``.py``, ``.js``, ``.ts``, ``.json``, ``.md``, ``.yaml``, ``.html``,
a few binary images and extension-less files such as ``Makefile`` and ``LICENSE``) that
pipsrc's discovery never reads, plus the files pipsrc does read: Dockerfiles, shell
scripts (by extension and by shebang), requirements files, ``pip.conf``, Makefiles, GitHub
workflows, ``.env`` files, compose files, ``tox.ini`` and ``setup.cfg``, notebooks, and Python
build helpers that run pip through ``subprocess``. A share of those carry index settings
(some on policy, some violating it), and a git-ignored ``vendored/`` tree (with Dockerfiles
and requirements of its own) must be skipped by pipsrc (via ``git ls-files``) and by ``rg``
(via ``.gitignore``) alike. The tree is a git repository with everything committed, like a
real checkout.

Two shapes (``--shape``): ``sparse``, where about 2% of the files carry index settings and
half of those break the policy, and ``dense``, where 5% of the files carry settings and
three quarters of those break it (thousands of findings, as in a repository before its
first clean-up).

Usage: ``python bench/gen.py OUT --files 40000 [--seed 6] [--shape sparse|dense]``.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import subprocess
import sys
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import TypedDict, cast

# --- vocabulary -------------------------------------------------------------------------


def _split(words: str) -> tuple[str, ...]:
    return tuple(words.split())


WORDS = _split(
    "account audit batch billing cache catalog checkout client cluster config consumer "
    "customer dashboard data event export feature feed gateway graph health ingest "
    "inventory invoice job ledger loader metric model monitor notify order partner "
    "payment pipeline policy price profile queue quota rating report request router "
    "sample scheduler search session shipment signal storage stream sync task tenant "
    "token tracker upload user vault worker"
)

PACKAGES = _split(
    "flask django fastapi uvicorn gunicorn requests httpx numpy pandas scipy scikit-learn "
    "torch torchvision sqlalchemy alembic psycopg2-binary redis celery pydantic boto3 "
    "pyyaml jinja2 click rich pytest pytest-cov black mypy structlog prometheus-client "
    "orjson grpcio protobuf kafka-python pyarrow lxml pillow matplotlib"
)

GOOD = "https://mirrors.aliyun.com/pypi/simple/"  # the benchmark policy's index
BAD_INDEXES = (
    "https://pypi.tuna.tsinghua.edu.cn/simple",
    "http://mirrors.aliyun.com/pypi/simple/",
    "https://pypi.douban.com/simple/",
    "https://mirrors.cloud.tencent.com/pypi/simple",
    "http://pypi.mirrors.ustc.edu.cn/simple/",
    "https://pypi.org/simple",
)
EXTRA = "https://download.pytorch.org/whl/cpu"


@dataclass
class Spec:
    """What to generate."""

    files: int = 40_000  # tracked files (the vendored tree comes on top)
    seed: int = 6
    settings_share: float = 0.3  # share of pipsrc-read files that carry index settings
    violating_share: float = 0.5  # share of those settings that break the policy
    vendored_share: float = 0.1  # size of the git-ignored vendored tree, relative to files


# about 6.7% of a tree's files are files pipsrc reads: these shares give 2% and 5% of all
# files with settings
SHAPES: dict[str, tuple[float, float]] = {"sparse": (0.3, 0.5), "dense": (0.75, 0.75)}


def shaped(files: int, seed: int, shape: str) -> Spec:
    """The Spec of a tree of ``shape`` (see :data:`SHAPES`)."""
    settings, violating = SHAPES[shape]
    return Spec(files=files, seed=seed, settings_share=settings, violating_share=violating)


@dataclass
class Stats:
    """Facts about a generated tree, written to ``bench-tree.json`` beside it."""

    files: int = 0
    vendored: int = 0
    bytes: int = 0
    by_kind: Counter[str] = field(default_factory=Counter)
    with_settings: int = 0
    violating: int = 0
    dockerfiles: list[str] = field(default_factory=list)


class TreeFacts(TypedDict):
    """What ``load_stats`` returns: the facts of a generated tree, as written to JSON."""

    files: int
    vendored: int
    bytes: int
    by_kind: dict[str, int]
    with_settings: int
    violating: int
    dockerfiles: list[str]
    seed: int
    settings_share: float
    violating_share: float


# --- file makers: each returns (text, kind, has_settings, violating) ---------------------

Made = tuple[str, str, bool, bool]


class Maker:
    def __init__(self, rng: random.Random, spec: Spec) -> None:
        self.rng = rng
        self.spec = spec

    # helpers
    def word(self) -> str:
        return self.rng.choice(WORDS)

    def ident(self) -> str:
        return f"{self.word()}_{self.word()}"

    def pkgs(self, lo: int = 2, hi: int = 8) -> list[str]:
        return self.rng.sample(PACKAGES, self.rng.randint(lo, hi))

    def pin(self, name: str) -> str:
        return (
            f"{name}=={self.rng.randint(0, 9)}.{self.rng.randint(0, 30)}.{self.rng.randint(0, 9)}"
        )

    def settings(self) -> tuple[bool, bool, str]:
        """Whether this config file sets an index, whether it violates, and which URL."""
        if self.rng.random() >= self.spec.settings_share:
            return False, False, ""
        if self.rng.random() < self.spec.violating_share:
            return True, True, self.rng.choice(BAD_INDEXES)
        return True, False, GOOD

    # ordinary files (never read by pipsrc) -------------------------------------------
    def python(self) -> Made:
        r = self.rng
        out = ['"""' + f"{self.word().title()} {self.word()} handling." + '"""', ""]
        out += ["from __future__ import annotations", "", "import logging", "import os", ""]
        out.append(f"LOG = logging.getLogger({self.ident()!r})")
        for _ in range(r.randint(2, 9)):
            fn, arg = self.ident(), self.word()
            out += ["", "", f"def {fn}({arg}, limit=100):"]
            out.append(f'    """Return the {self.word()} of each {arg} up to ``limit``."""')
            out.append("    result = []")
            if r.random() < 0.2:
                out.append(f"    for index, item in enumerate({arg}):")
                out.append("        if index >= limit:")
                out.append("            break")
                out.append("        result.append(item)")
            else:
                out.append(f"    for item in {arg}[:limit]:")
                out.append(f"        result.append(item.{self.word()})")
            out.append(f'    LOG.debug("{fn}: %d", len(result))')
            out.append("    return result")
        return "\n".join(out) + "\n", "py", False, False

    def javascript(self) -> Made:
        r = self.rng
        out = [f"// {self.word()} {self.word()} component", "'use strict';", ""]
        for _ in range(r.randint(2, 8)):
            fn = self.ident().replace("_", "")
            out += [f"export function {fn}(items) {{", "  const out = [];"]
            out += ["  for (const item of items) {", f"    out.push(item.{self.word()});", "  }"]
            out += ["  return out;", "}", ""]
        return "\n".join(out), "js", False, False

    def json_(self) -> Made:
        data = {
            self.word(): [self.ident() for _ in range(self.rng.randint(1, 6))] for _ in range(8)
        }
        return json.dumps(data, indent=2) + "\n", "json", False, False

    def markdown(self) -> Made:
        r = self.rng
        out = [f"# {self.word().title()} {self.word()}", "", f"The {self.word()} service.", ""]
        if r.random() < 0.5:
            out += ["## Development", "", "```sh", "pip install -e '.[test]'", "pytest", "```", ""]
        out += [f"- {self.word()}: {self.ident()}" for _ in range(r.randint(3, 12))]
        return "\n".join(out) + "\n", "md", False, False

    def k8s(self) -> Made:
        name = self.word()
        text = (
            f"apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: {name}\nspec:\n"
            f"  replicas: {self.rng.randint(1, 5)}\n  template:\n    spec:\n      containers:\n"
            f"        - name: {name}\n          image: registry.local/{name}:1.0\n"
        )
        return text, "yaml", False, False

    def html(self) -> Made:
        body = "".join(
            f"<p>{self.word()} {self.word()}</p>\n" for _ in range(self.rng.randint(3, 20))
        )
        return f"<!doctype html>\n<html><body>\n{body}</body></html>\n", "html", False, False

    def toml(self) -> Made:
        name = self.word()
        deps = ", ".join(f'"{p}"' for p in self.pkgs())
        text = f'[project]\nname = "{name}"\nversion = "1.0.0"\ndependencies = [{deps}]\n'
        return text, "toml", False, False

    def png(self) -> Made:
        # a binary file: rg skips it after a look at its first bytes, pipsrc by name
        noise = "".join(chr(self.rng.randint(0, 255)) for _ in range(600))
        return "\x89PNG\r\n\x1a\n\x00\x00" + noise, "png", False, False

    def plain(self) -> Made:
        return f"{self.word()} {self.word()}\n" * self.rng.randint(5, 40), "txt", False, False

    # files pipsrc reads --------------------------------------------------------------
    def dockerfile(self) -> Made:
        r = self.rng
        has, bad, url = self.settings()
        if r.random() < 0.15:  # a non-Python image: no pip text at all
            text = "FROM nginx:1.27-alpine\nCOPY dist/ /usr/share/nginx/html/\nEXPOSE 80\n"
            return text, "dockerfile", False, False
        out = [f"# {self.word()} service image", "FROM python:3.11-slim AS base", ""]
        out += ["RUN apt-get update && \\", "    apt-get install -y --no-install-recommends \\"]
        out += ["        build-essential curl && \\", "    rm -rf /var/lib/apt/lists/*", ""]
        out += ["WORKDIR /app", "COPY requirements.txt ."]
        if has:
            style = r.randrange(3)
            host = url.split("/")[2]
            if style == 0:
                out.append(f"ENV PIP_INDEX_URL={url}")
                if url.startswith("http:"):
                    out.append(f"ENV PIP_TRUSTED_HOST={host}")
                out.append("RUN pip install --no-cache-dir -r requirements.txt")
            elif style == 1:
                out.append(f"RUN pip install --no-cache-dir -i {url} -r requirements.txt")
            else:
                out.append(f"RUN pip config set global.index-url {url} && \\")
                out.append("    pip install --no-cache-dir -r requirements.txt")
        else:
            # the policy's mirror comes from the base image (configured-images) or not at all
            out.append("RUN pip install --no-cache-dir -r requirements.txt")
        out += ["", "COPY . .", f'CMD ["python", "-m", "{self.word()}"]']
        return "\n".join(out) + "\n", "dockerfile", has, bad

    def shell(self, shebang: bool = True) -> Made:
        r = self.rng
        has, bad, url = self.settings()
        out = ["#!/usr/bin/env bash" if shebang else "#!/bin/sh", "set -euo pipefail", ""]
        out += [f'echo "{self.word()} {self.word()}"']
        for _ in range(r.randint(1, 6)):
            out.append(f'{self.word()}_dir="$ROOT/{self.word()}"')
            out.append(f'mkdir -p "${self.word()}_dir"')
        if has:
            if r.random() < 0.5:
                out.append(f'export PIP_INDEX_URL="{url}"')
                out.append("python -m pip install -r requirements.txt")
            else:
                out.append(f"pip install -i {url} " + " ".join(self.pkgs(1, 3)))
        elif r.random() < 0.4:
            out.append("python -m pip install -r requirements.txt")
        out.append(f'echo "done: {self.word()}"')
        return "\n".join(out) + "\n", "shell", has, bad

    def requirements(self) -> Made:
        r = self.rng
        has, bad, url = self.settings()
        out = []
        if has:
            out.append(f"--index-url {url}")
            if r.random() < 0.2:
                out.append(f"--extra-index-url {EXTRA}")
        if r.random() < 0.2:
            out.append("-r base.txt")
        out += [self.pin(p) for p in self.pkgs(3, 15)]
        return "\n".join(out) + "\n", "requirements", has, bad

    def pipconf(self) -> Made:
        has, bad, url = self.settings()
        if not has:
            has, bad, url = True, False, GOOD  # a pip.conf exists to set the index
        text = f"[global]\nindex-url = {url}\ntimeout = 60\n"
        if url.startswith("http:"):
            text += f"trusted-host = {url.split('/')[2]}\n"
        return text, "pipconf", has, bad

    def compose(self) -> Made:
        has, bad, url = self.settings()
        name = self.word()
        out = ["services:", f"  {name}:", "    build:", "      context: ."]
        if has:
            out += ["      args:", f"        PIP_INDEX_URL: {url}"]
        out += [f"    image: registry.local/{name}:dev", "    ports:", '      - "8000:8000"']
        out += ["  redis:", "    image: redis:7"]
        return "\n".join(out) + "\n", "compose", has, bad

    def makefile(self) -> Made:
        has, bad, url = self.settings()
        text = "test:\n\tpytest -q\n\nlint:\n\truff check .\n"
        if has:
            text = (
                f"MIRROR ?= {url}\n\ninstall:\n\tpip install -i $(MIRROR) -r requirements.txt\n\n"
            )
            text += "test:\n\tpytest -q\n"
        return text, "makefile", has, bad

    def workflow(self) -> Made:
        has, bad, url = self.settings()
        out = ["name: ci", "on: [push]", "jobs:", "  test:", "    runs-on: ubuntu-latest"]
        if has:
            out += ["    env:", f"      PIP_INDEX_URL: {url}"]
        out += ["    steps:", "      - uses: actions/checkout@v4", "      - run: |"]
        out += ["          python -m pip install -r requirements.txt", "          pytest -q"]
        return "\n".join(out) + "\n", "github-actions", has, bad

    def dotenv(self) -> Made:
        has, bad, url = self.settings()
        out = [f"APP_NAME={self.word()}", "LOG_LEVEL=info"]
        if has:
            out.append(f"PIP_INDEX_URL={url}")
        return "\n".join(out) + "\n", "dotenv", has, bad

    def tox(self) -> Made:
        has, bad, url = self.settings()
        out = ["[tox]", "envlist = py311", "", "[testenv]", "deps = -r requirements.txt"]
        if has:
            out += ["set_env =", f"    PIP_INDEX_URL = {url}"]
        out += ["commands =", "    pytest -q"]
        return "\n".join(out) + "\n", "tox", has, bad

    def setup_cfg(self) -> Made:
        has, bad, url = self.settings()
        out = ["[metadata]", f"name = {self.word()}", "", "[flake8]", "max-line-length = 100"]
        if has:
            out += ["", "[easy_install]", f"index_url = {url}"]
        return "\n".join(out) + "\n", "setup-cfg", has, bad

    def notebook(self) -> Made:
        has, bad, url = self.settings()
        install = f"%pip install -i {url} pandas" if has else "%pip install pandas"
        cells = [
            {"cell_type": "markdown", "metadata": {}, "source": [f"# {self.word().title()}"]},
            {"cell_type": "code", "execution_count": None, "metadata": {}, "outputs": [],
             "source": [install]},
            {"cell_type": "code", "execution_count": None, "metadata": {}, "outputs": [],
             "source": ["import pandas as pd\n", f"df = pd.read_csv('{self.word()}.csv')"]},
        ]  # fmt: skip
        nb = {"cells": cells, "metadata": {}, "nbformat": 4, "nbformat_minor": 5}
        return json.dumps(nb, indent=1) + "\n", "notebook", has, bad

    def pip_script(self) -> Made:
        """A Python build helper that runs pip through subprocess."""
        has, bad, url = self.settings()
        args = ", ".join(f'"{p}"' for p in self.pkgs(1, 3))
        index = f', "-i", "{url}"' if has else ""
        text = (
            "import subprocess\nimport sys\n\n\ndef main():\n"
            f'    subprocess.check_call([sys.executable, "-m", "pip", "install"{index}, {args}])'
            '\n\n\nif __name__ == "__main__":\n    main()\n'
        )
        return text, "python-pip", has, bad

    def license(self) -> Made:
        return "MIT License\n\nCopyright (c) 2024 Example Corp\n", "license", False, False


# --- layout ---------------------------------------------------------------------------


def project_files(m: Maker, svc: str) -> Iterator[tuple[str, Callable[[], Made]]]:
    """The rarer files pipsrc reads: tox and setuptools configuration, notebooks, Python
    helpers that run pip."""
    r = m.rng
    if r.random() < 0.1:
        yield f"{svc}/tox.ini", m.tox
    if r.random() < 0.05:
        yield f"{svc}/setup.cfg", m.setup_cfg
    if r.random() < 0.05:
        yield f"{svc}/notebooks/{m.word()}.ipynb", m.notebook
    if r.random() < 0.1:
        yield f"{svc}/tools/install_{m.word()}.py", m.pip_script


def service_files(m: Maker, svc: str) -> Iterator[tuple[str, Callable[[], Made]]]:
    """The files of one service, config files first, then ordinary source."""
    r = m.rng
    yield f"{svc}/Dockerfile", m.dockerfile
    if r.random() < 0.3:
        yield f"{svc}/Dockerfile.{r.choice(['dev', 'gpu', 'test'])}", m.dockerfile
    yield f"{svc}/requirements.txt", m.requirements
    if r.random() < 0.5:
        yield f"{svc}/requirements-dev.txt", m.requirements
    for i in range(r.randint(1, 4)):
        yield f"{svc}/scripts/{m.word()}_{i}.sh", m.shell
    if r.random() < 0.25:
        yield f"{svc}/bin/{m.word()}-{m.word()}", m.shell  # extension-less, shebang
    if r.random() < 0.2:
        yield f"{svc}/docker-compose.yml", m.compose
    if r.random() < 0.05:
        yield f"{svc}/pip.conf", m.pipconf
    yield f"{svc}/README.md", m.markdown
    yield f"{svc}/pyproject.toml", m.toml
    yield f"{svc}/Makefile", m.makefile
    if r.random() < 0.2:
        yield f"{svc}/.github/workflows/ci.yml", m.workflow
    if r.random() < 0.1:
        yield f"{svc}/.env", m.dotenv
    if r.random() < 0.3:
        yield f"{svc}/LICENSE", m.license
    yield from project_files(m, svc)
    pkg = m.word()
    size = r.randint(30, 130)
    ordinary: list[tuple[str, Callable[[], Made]]] = [
        (".py", m.python),
        (".py", m.python),
        (".py", m.python),
        (".js", m.javascript),
        (".ts", m.javascript),
        (".json", m.json_),
        (".md", m.markdown),
        (".yaml", m.k8s),
        (".html", m.html),
        (".txt", m.plain),
        (".png", m.png),
    ]
    for i in range(size):
        ext, make = r.choice(ordinary)
        sub = {".py": f"src/{pkg}", ".js": "web", ".ts": "web/src", ".yaml": "deploy"}.get(
            ext, r.choice(["docs", "assets", "data", f"src/{pkg}/tests"])
        )
        yield f"{svc}/{sub}/{m.word()}_{i}{ext}", make


def _vendored(m: Maker, spec: Spec, stats: Stats, write: Callable[[str, Made, bool], None]) -> None:
    """The git-ignored vendored tree: same kinds of files, never to be read."""
    v = 0
    target = int(spec.files * spec.vendored_share)
    while stats.vendored < target:
        for rel, make in service_files(m, f"vendored/pkg-{v:04d}"):
            if stats.vendored >= target:
                break
            write(rel, make(), True)
        v += 1


def generate(out: str, spec: Spec) -> Stats:
    """Write the tree under ``out`` (replacing it), commit it, and return its facts."""
    if os.path.exists(out):
        shutil.rmtree(out)
    os.makedirs(out)
    rng = random.Random(spec.seed)
    m = Maker(rng, spec)
    stats = Stats()

    def write(rel: str, made: Made, vendored: bool) -> None:
        text, kind, has, bad = made
        path = os.path.join(out, rel)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        data = text.encode("latin-1") if kind == "png" else text.encode()
        with open(path, "wb") as fh:
            fh.write(data)
        if rel.startswith("bin/") or "/bin/" in rel or rel.endswith(".sh"):
            os.chmod(path, 0o755)
        if vendored:
            stats.vendored += 1
            return
        stats.files += 1
        stats.bytes += len(data)
        stats.by_kind[kind] += 1
        stats.with_settings += has
        stats.violating += bad
        if kind == "dockerfile":
            stats.dockerfiles.append(rel)

    fixed = {
        ".gitignore": "vendored/\n*.pyc\n",
        "pipsrc.toml": 'index = "aliyun"\nextra-indexes = []\n',
        "README.md": "# Example monorepo\n\nGenerated by pipsrc's bench/gen.py.\n",
    }
    for rel, text in fixed.items():
        with open(os.path.join(out, rel), "w") as fh:
            fh.write(text)
    stats.files += len(fixed)

    n = 0
    while stats.files < spec.files:
        svc = f"services/{m.word()}-{n:04d}"
        n += 1
        for rel, make in service_files(m, svc):
            if stats.files >= spec.files:
                break
            write(rel, make(), vendored=False)
    _vendored(m, spec, stats, write)
    _commit(out)
    with open(os.path.join(out, "..", os.path.basename(out) + ".json"), "w") as fh:
        json.dump(
            {
                "files": stats.files,
                "vendored": stats.vendored,
                "bytes": stats.bytes,
                "by_kind": dict(sorted(stats.by_kind.items())),
                "with_settings": stats.with_settings,
                "violating": stats.violating,
                "dockerfiles": stats.dockerfiles,
                "seed": spec.seed,
                "settings_share": spec.settings_share,
                "violating_share": spec.violating_share,
            },
            fh,
            indent=1,
        )
    return stats


def _commit(out: str) -> None:
    env = {
        **os.environ,
        "GIT_AUTHOR_NAME": "bench",
        "GIT_AUTHOR_EMAIL": "bench@example.invalid",
        "GIT_COMMITTER_NAME": "bench",
        "GIT_COMMITTER_EMAIL": "bench@example.invalid",
    }
    for args in (
        ["init", "-q", "-b", "main"],
        ["add", "-A"],
        ["-c", "commit.gpgsign=false", "commit", "-q", "-m", "generated tree"],
    ):
        subprocess.run(["git", "-C", out, *args], check=True, env=env)


def load_stats(out: str) -> TreeFacts | None:
    """The facts of a tree generated earlier, or None."""
    path = os.path.join(out, "..", os.path.basename(out) + ".json")
    try:
        with open(path) as fh:
            return cast(TreeFacts, json.load(fh))
    except (OSError, ValueError):
        return None


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("out")
    ap.add_argument("--files", type=int, default=Spec.files)
    ap.add_argument("--seed", type=int, default=Spec.seed)
    ap.add_argument("--shape", choices=sorted(SHAPES), default="sparse")
    a = ap.parse_args(argv)
    spec = shaped(a.files, a.seed, a.shape)
    stats = generate(a.out, spec)
    print(
        f"{a.out}: {stats.files} files ({stats.bytes // 1024} KiB), "
        f"{stats.vendored} vendored (ignored), by kind {dict(stats.by_kind)}, "
        f"{stats.with_settings} with index settings ({stats.violating} violating)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
