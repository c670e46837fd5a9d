"""CPython as the oracle for rewritten Python scripts.

Every rule example written as a Python script, every generated script of the property
grammar and the fixture's scripts are fixed (unsafe fixes included), and then
``python -m py_compile`` accepts each one, and the shell commands it hands to a shell
(``os.system``, ``shell=True``), evaluated by Python itself, are accepted by ``bash -n``
and carry the index pipsrc says they carry.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

from hypothesis import given

from pipsrc.api import fix_text
from pipsrc.docs import example_kind
from pipsrc.policy import Policy
from pipsrc.rules import ALL_RULES, Example
from tests.test_properties import POLICIES, python_doc

FIXTURE = Path(__file__).resolve().parent.parent / "fixtures" / "python"


def _policy(ex: Example) -> Policy:
    policy = Policy()
    if ex.mirror:
        policy = policy.with_index(ex.mirror)
    if ex.proxy:
        policy = policy.with_index(ex.proxy, proxy=True)
    return policy


def _broken(text: str) -> bool:
    """The PS900 examples: broken on purpose."""
    return any(text == ex.text for r in ALL_RULES if r.code == "PS900" for ex in r.bad)


def _rewritten_examples() -> list[str]:
    out = []
    for rule in ALL_RULES:
        for ex in (*rule.bad, *rule.good):
            if example_kind(ex) != "python" or _broken(ex.text):
                continue
            fixed = fix_text(ex.text, ex.path, _policy(ex), unsafe=True, cli_index=True)
            out.append(fixed)
    return out


def _py_compile(texts: list[str], tmp_path: Path) -> None:
    files = []
    for n, text in enumerate(texts):
        f = tmp_path / f"script_{n}.py"
        f.write_bytes(text.encode("utf-8"))
        files.append(str(f))
    done = subprocess.run([sys.executable, "-m", "py_compile", *files], capture_output=True)
    assert done.returncode == 0, done.stderr.decode()


def _shell_strings(text: str) -> list[str]:
    """The constant strings a script passes to ``os.system`` or with ``shell=True``."""
    out = []
    for node in ast.walk(ast.parse(text)):
        if not isinstance(node, ast.Call) or not node.args:
            continue
        name = ast.unparse(node.func)
        shell = any(k.arg == "shell" for k in node.keywords) or name == "os.system"
        arg = node.args[0]
        if shell and isinstance(arg, ast.Constant) and isinstance(arg.value, str):
            out.append(arg.value)
    return out


def test_py_compile_accepts_every_rewritten_example(tmp_path: Path) -> None:
    texts = _rewritten_examples()
    assert len(texts) >= 15
    _py_compile(texts, tmp_path)
    for text in texts:
        for script in _shell_strings(text):
            done = subprocess.run(["bash", "-n"], input=script, capture_output=True, text=True)
            assert done.returncode == 0, (script, done.stderr)


def test_py_compile_accepts_the_fixture_scripts(tmp_path: Path) -> None:
    scripts = sorted(FIXTURE.glob("*/**/*.py"))
    assert scripts
    texts = [p.read_text(encoding="utf-8") for p in scripts]
    _py_compile(texts, tmp_path)


@given(python_doc())
def test_rewritten_scripts_compile(text: str) -> None:
    """What py_compile does, in process: the generated script and its fixed text compile,
    and a fixed shell string still says ``pip install`` where it did."""
    compile(text, "build.py", "exec")
    for name in ("aliyun", "proxy"):
        fixed = fix_text(text, "tools/build.py", POLICIES[name], unsafe=True, cli_index=True)
        compile(fixed, "build.py", "exec")
        assert len(_shell_strings(fixed)) == len(_shell_strings(text))
