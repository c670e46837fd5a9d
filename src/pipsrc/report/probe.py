"""``pipsrc report --probe``: measure how fast each index of the policy answers.

The hand-written report of seeds/000 promised "5-10x faster downloads"
without measuring anything. pipsrc only reports a speed it measured: the time
to fetch the project page of ``pip`` (``<index>/pip/``, the first request any
``pip install`` makes) from each index, a few times, in this run.

This is the only code in pipsrc that opens a network connection, and it runs
only when ``--probe`` is given.
"""

from __future__ import annotations

import base64
import time
import urllib.error
import urllib.request
from collections.abc import Iterable
from urllib.parse import unquote

from pipsrc.policy import Policy
from pipsrc.redaction import redact
from pipsrc.report.facts import ProbeResult
from pipsrc.urls import parse_url

DEFAULT_SAMPLES = 3
DEFAULT_TIMEOUT = 10.0


def probe_targets(policy: Policy, target: str | None) -> list[str]:
    """The indexes to measure: the target index, then the policy's literal extra indexes
    and exceptions (globs cannot be fetched), without repeats."""
    out: list[str] = []
    candidates: Iterable[str] = [
        *([target] if target else []),
        *policy.extra_indexes,
        *(e.url for e in policy.exceptions),
    ]
    for url in candidates:
        if "*" in url or parse_url(url) is None or url in out:
            continue
        out.append(url)
    return out


def _request(url: str) -> urllib.request.Request:
    """A GET for ``<index>/pip/``, credentials moved from the URL into a header."""
    parsed = parse_url(url)
    assert parsed is not None
    headers = {"User-Agent": "pipsrc-probe", "Accept": "text/html"}
    if parsed.userinfo_span is not None:
        start, end = parsed.userinfo_span
        user, _, password = url[start:end].partition(":")
        token = base64.b64encode(f"{unquote(user)}:{unquote(password)}".encode()).decode()
        headers["Authorization"] = f"Basic {token}"
        at = url.find("@", end)
        url = url[:start] + url[at + 1 :] if at >= 0 else url[:start] + url[end:]
    return urllib.request.Request(url.rstrip("/") + "/pip/", headers=headers)


def probe_one(
    url: str, samples: int = DEFAULT_SAMPLES, timeout: float = DEFAULT_TIMEOUT
) -> ProbeResult:
    result = ProbeResult(redact(url), "ok")
    for _ in range(samples):
        request = _request(url)
        start = time.perf_counter()
        try:
            with urllib.request.urlopen(request, timeout=timeout) as response:
                response.read()
                result.http_status = response.status
        except urllib.error.HTTPError as exc:
            result.status, result.http_status = "http error", exc.code
            return result
        except (urllib.error.URLError, OSError) as exc:
            reason = getattr(exc, "reason", exc)
            result.status = "timeout" if isinstance(reason, TimeoutError) else "unreachable"
            return result
        result.samples_ms.append((time.perf_counter() - start) * 1000)
    return result


def probe(
    urls: Iterable[str], samples: int = DEFAULT_SAMPLES, timeout: float = DEFAULT_TIMEOUT
) -> list[ProbeResult]:
    return [probe_one(u, samples, timeout) for u in urls]
