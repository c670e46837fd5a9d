"""``pip`` as fix-then-build runs it: the real pip, installing nothing.

Put first on PATH (as ``pip``, ``pip3``, and behind ``python -m pip``), it passes every
command to the real pip unchanged, except that ``install``/``download``/``wheel`` become
``pip install --dry-run --ignore-installed --no-deps --report FILE``: pip reads the same
configuration, environment and options, resolves and downloads from the same index, and
writes down where each package came from, but the test's virtual environment is left as it
was. Options that only say where to put files (``--user``, ``--target``, ``-d`` ...) are
dropped; each call is logged (argv, exit status, report) in ``$PIPSRC_ORACLE_LOG``.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time

INSTALL_LIKE = {"install", "download", "wheel"}
GENERAL_WITH_VALUE = {
    "--log",
    "--proxy",
    "--timeout",
    "--retries",
    "--cache-dir",
    "--cert",
    "--client-cert",
    "--exists-action",
    "--python",
    "--keyring-provider",
    "--use-feature",
    "--use-deprecated",
    "--trusted-host",
}
DROP = {
    "--user",
    "--break-system-packages",
    "--force-reinstall",
    "--no-warn-script-location",
    "--compile",
    "--no-compile",
    "--upgrade",
    "-U",
    "--ignore-installed",
    "-I",
    "--no-deps",
    "--dry-run",
    "--no-cache-dir",
    "-q",
    "--quiet",
    "-v",
    "--verbose",
    "--root-user-action",
    "--no-build-isolation",
    "--require-virtualenv",
}
DROP_WITH_VALUE = {
    "-t",
    "--target",
    "--prefix",
    "--root",
    "-d",
    "--dest",
    "-w",
    "--wheel-dir",
    "--report",
    "--log",
    "--cache-dir",
    "--src",
    "--upgrade-strategy",
    "--platform",
    "--python-version",
    "--implementation",
    "--abi",
    "--progress-bar",
    "--root-user-action",
    "--retries",
    "--timeout",
}


def main() -> int:
    args = sys.argv[1:]
    i = 0
    while i < len(args) and args[i].startswith("-"):
        i += 2 if args[i] in GENERAL_WITH_VALUE else 1
    sub = args[i] if i < len(args) else ""
    log = os.environ.get("PIPSRC_ORACLE_LOG", ".")
    base = [sys.executable, "-m", "pip", "--disable-pip-version-check"]
    report = ""
    if sub in INSTALL_LIKE:
        rest: list[str] = []
        j = i + 1
        while j < len(args):
            a = args[j]
            name = a.split("=", 1)[0] if a.startswith("--") else a
            if name in DROP_WITH_VALUE:
                j += 1 if "=" in a else 2
                continue
            if name in DROP:
                j += 1
                continue
            rest.append(a)
            j += 1
        report = os.path.join(log, f"report-{time.time_ns()}-{os.getpid()}.json")
        cmd = [
            *base,
            *args[:i],
            "install",
            "--dry-run",
            "--ignore-installed",
            "--no-deps",
            "--no-cache-dir",
            "--retries",
            "0",
            "--timeout",
            "5",
            "--report",
            report,
            *rest,
        ]
    else:
        cmd = [*base, *args]
    rc = subprocess.call(cmd)
    with open(os.path.join(log, "calls.jsonl"), "a", encoding="utf-8") as fh:
        pip_env = {k: v for k, v in os.environ.items() if k.startswith("PIP_")}
        fh.write(
            json.dumps(
                {"argv": args, "rc": rc, "report": report, "cwd": os.getcwd(), "env": pip_env}
            )
            + "\n"
        )
    return rc


if __name__ == "__main__":
    sys.exit(main())
