"""The standard configuration patterns for an index, one per place it can be written.

Generated from the target index and the policy (a trusted-host line only
where the policy wants one: ``always``, or an http index under ``auto``), so
the snippets a reader copies from the report are the ones pipsrc would accept.
"""

from __future__ import annotations

from pipsrc.records import record
from pipsrc.urls import parse_url


@record(frozen=True)
class Pattern:
    key: str  # names the pattern in the report's texts
    language: str  # the code fence's info string
    body: str


def patterns(index: str, trusted_host: bool) -> list[Pattern]:
    """Every standard way to write ``index`` (already redacted)."""
    parsed = parse_url(index)
    host = parsed.host_port if parsed is not None else ""
    th = trusted_host and bool(host)
    out = [
        Pattern(
            "env",
            "dockerfile",
            f'ENV PIP_INDEX_URL="{index}"' + (f' \\\n    PIP_TRUSTED_HOST="{host}"' if th else ""),
        ),
        Pattern(
            "shell",
            "sh",
            f'export PIP_INDEX_URL="{index}"'
            + (f'\nexport PIP_TRUSTED_HOST="{host}"' if th else ""),
        ),
        Pattern(
            "requirements",
            "text",
            f"--index-url {index}" + (f"\n--trusted-host {host}" if th else ""),
        ),
        Pattern(
            "pip-conf",
            "ini",
            f"[global]\nindex-url = {index}" + (f"\ntrusted-host = {host}" if th else ""),
        ),
        Pattern(
            "compose",
            "yaml",
            "services:\n  app:\n    build:\n      args:\n"
            f'        PIP_INDEX_URL: "{index}"\n'
            + (f'        PIP_TRUSTED_HOST: "{host}"\n' if th else "")
            + "    environment:\n"
            f'      PIP_INDEX_URL: "{index}"'
            + (f'\n      PIP_TRUSTED_HOST: "{host}"' if th else ""),
        ),
        Pattern(
            "uv",
            "dockerfile",
            f'ENV UV_DEFAULT_INDEX="{index}"'
            + (f' \\\n    UV_INSECURE_HOST="{host}"' if th else ""),
        ),
    ]
    out.extend(_project_patterns(index, host if th else ""))
    for n, pip in enumerate(("pip", "pip3"), 1):
        body = f"RUN {pip} config set global.index-url {index}"
        if th:
            body += f" && \\\n    {pip} config set global.trusted-host {host}"
        out.insert(n, Pattern(f"{pip}-config", "dockerfile", body))
    return out


def _project_patterns(index: str, host: str) -> list[Pattern]:
    """The project files of uv, Poetry, PDM and Pipenv (they read neither ``pip.conf`` nor
    ``PIP_*``); ``host``: the host to trust, when the policy wants one."""
    uv = f'[[tool.uv.index]]\nurl = "{index}"\ndefault = true'
    if host:
        uv = f'[tool.uv]\nallow-insecure-host = ["{host}"]\n\n' + uv
    # Poetry and PDM take an http index without a trusted-host setting; PDM and Pipenv
    # trust the host of a source with `verify_ssl = false`
    verify = "false" if host else "true"
    return [
        Pattern("uv-project", "toml", uv),
        Pattern(
            "poetry",
            "toml",
            f'[[tool.poetry.source]]\nname = "mirror"\nurl = "{index}"\npriority = "primary"',
        ),
        Pattern(
            "pdm",
            "toml",
            f'[[tool.pdm.source]]\nname = "pypi"\nurl = "{index}"\nverify_ssl = {verify}',
        ),
        Pattern(
            "pipenv", "toml", f'[[source]]\nname = "pypi"\nurl = "{index}"\nverify_ssl = {verify}'
        ),
    ]
