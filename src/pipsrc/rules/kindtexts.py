"""An example's environment block and script written in each CI and build kind's syntax (a
workflow's ``env:`` and ``run: |`` step, a Makefile's ``export`` lines and recipe, a
notebook's cells ...): the renderers of :mod:`pipsrc.rules.ciexamples`."""

from __future__ import annotations

from collections.abc import Callable
from typing import Optional

Env = tuple[tuple[str, str], ...]
Render = Callable[[Env, str, Optional[str]], str]  # run time: no `|` before Python 3.10


def _indent(script: str, n: int) -> str:
    return "".join(" " * n + line + "\n" for line in script.splitlines())


def github(env: Env, script: str, comment: str | None) -> str:
    """A workflow: the env block at the top, the script as one ``run: |`` step."""
    out = "on: push\n"
    if env:
        out += "env:\n" + (f"  # {comment}\n" if comment else "")
        out += "".join(f"  {k}: {v}\n" for k, v in env)
    out += "jobs:\n  build:\n    runs-on: ubuntu-latest\n    steps:\n"
    out += "      - uses: actions/checkout@v4\n"
    if script:
        out += "      - run: |\n" + _indent(script, 10)
    return out


def gitlab(env: Env, script: str, comment: str | None) -> str:
    """A ``.gitlab-ci.yml``: global ``variables:``, the script as a job's ``script:`` lines."""
    out = ""
    if env:
        out += "variables:\n" + (f"  # {comment}\n" if comment else "")
        out += "".join(f"  {k}: {v}\n" for k, v in env)
    out += "test:\n  script:\n"
    out += "".join(f"    - {line}\n" for line in (script or "echo ok").splitlines())
    return out


def azure(env: Env, script: str, comment: str | None) -> str:
    """An ``azure-pipelines.yml``: ``variables:``, the script as one ``script: |`` step."""
    out = "trigger:\n  - main\npool:\n  vmImage: ubuntu-latest\n"
    if env:
        out += "variables:\n" + (f"  # {comment}\n" if comment else "")
        out += "".join(f"  {k}: {v}\n" for k, v in env)
    out += "steps:\n  - script: |\n" + _indent(script or "echo ok", 6)
    return out


def jenkinsfile(env: Env, script: str, comment: str | None) -> str:
    """A declarative Jenkinsfile: its ``environment`` block, the script as one ``sh`` step."""
    out = "pipeline {\n    agent any\n"
    if env:
        out += "    environment {\n" + (f"        // {comment}\n" if comment else "")
        out += "".join(f"        {k} = '{v}'\n" for k, v in env)
        out += "    }\n"
    out += "    stages {\n        stage('test') {\n            steps {\n"
    out += "                sh '''\n" + _indent(script or "echo ok", 20) + "                '''\n"
    out += "            }\n        }\n    }\n}\n"
    return out


def makefile(env: Env, script: str, comment: str | None) -> str:
    """A Makefile: ``export`` lines, the script as the recipe of ``install`` (one shell a
    line, ``$`` written ``$$``)."""
    out = f"# {comment}\n" if comment and env else ""
    out += "".join(f"export {k} = {v}\n" for k, v in env)
    out += ".PHONY: install\ninstall:\n"
    out += "".join(f"\t{line}\n" for line in script.replace("$", "$$").splitlines())
    return out


def dotenv(env: Env, script: str, comment: str | None) -> str:
    """A ``.env`` file: the env block only."""
    out = f"# {comment}\n" if comment and env else ""
    return out + "".join(f"{k}={v}\n" for k, v in env)


def compose(env: Env, script: str, comment: str | None) -> str:
    """A compose file whose service runs the script with ``sh -c '...'`` (for the rules
    about install commands: the others have compose examples of their own)."""
    out = "services:\n  app:\n    image: python:3.12\n"
    if env:
        out += "    environment:\n" + (f"      # {comment}\n" if comment else "")
        out += "".join(f"      {k}: {v}\n" for k, v in env)
    return out + f"    command: sh -c '{' && '.join(script.splitlines())}'\n"


def notebook(env: Env, script: str, comment: str | None) -> str:
    """A Jupyter notebook: the env block as ``%env`` lines of the first code cell, the
    script as ``!`` lines of the second, laid out as Jupyter writes a notebook (written
    here by hand: the rule registry is loaded by every run, which must not import json)."""

    def string(value: str) -> str:
        return '"' + value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'

    cells: list[str] = []
    first = ([f"# {comment}"] if comment and env else []) + [f"%env {k}={v}" for k, v in env]
    for lines in (first, [f"!{line}" for line in script.splitlines()]):
        if not lines:
            continue
        source = [line + "\n" for line in lines[:-1]] + [lines[-1]]
        items = ",\n".join(f"    {string(x)}" for x in source)
        cells.append(
            '  {\n   "cell_type": "code",\n   "execution_count": null,\n'
            f'   "id": "c{len(cells)}",\n   "metadata": {{}},\n   "outputs": [],\n'
            f'   "source": [\n{items}\n   ]\n  }}'
        )
    kernel = (
        ' "metadata": {\n  "kernelspec": {\n   "display_name": "Python 3",\n'
        '   "language": "python",\n   "name": "python3"\n  }\n },\n'
    )
    body = ",\n".join(cells)
    cells_text = f' "cells": [\n{body}\n ],\n' if cells else ' "cells": [],\n'
    return "{\n" + cells_text + kernel + ' "nbformat": 4,\n "nbformat_minor": 5\n}\n'


def markdown(env: Env, script: str, comment: str | None) -> str:
    """A Markdown page (read with --include-docs): the env block and the script in one
    ``sh`` code block."""
    out = "# Install\n\n```sh\n" + (f"# {comment}\n" if comment and env else "")
    out += "".join(f"export {k}={v}\n" for k, v in env)
    return out + (script + "\n" if script else "") + "```\n"


def tox(env: Env, script: str, comment: str | None) -> str:
    """A ``tox.ini``: the env block as the ``set_env`` lines of ``[testenv]``, the script as
    its ``commands`` (one command a line; tox runs them without a shell)."""
    out = "[testenv]\n"
    if env:
        out += "set_env =\n" + (f"    # {comment}\n" if comment else "")
        out += "".join(f"    {k} = {v}\n" for k, v in env)
    lines = script.splitlines() or ["pytest"]
    return out + "commands =\n" + "".join(f"    {line}\n" for line in lines)


def python(env: Env, script: str, comment: str | None) -> str:
    """A Python build helper: ``os.environ`` assignments, each script line run through
    ``subprocess.run(..., shell=True)``."""
    out = "import os\nimport subprocess\n\n"
    out += f"# {comment}\n" if comment and env else ""
    out += "".join(f'os.environ["{k}"] = "{v}"\n' for k, v in env)
    lines = script.splitlines()
    out += "".join(f'subprocess.run("{line}", shell=True, check=True)\n' for line in lines)
    return out
