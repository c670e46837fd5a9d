"""Loopback package indexes and a recording proxy: what the real clients are observed with.

Design (why it looks like this):

* **One tiny threaded HTTP server per scenario run**, bound to ``127.0.0.1:0``. It serves
  three PEP 503 simple indexes under path prefixes, ``/A/simple/``, ``/B/simple/`` and
  ``/C/simple/``, each holding a different version of one tiny wheel (``oracle-probe``
  1.0.1, 1.0.2, 1.0.3, built with :func:`tests.e2e.wheelhouse.make_wheel`). A server of
  its own per run means its access log belongs to exactly one client run, however many
  runs go on concurrently: no request has to be attributed to a run after the fact.
* **The same server is also the run's HTTP(S) proxy.** ``http_proxy``/``https_proxy``
  point at it and ``no_proxy`` exempts only ``127.0.0.1``/``localhost``, so requests to
  the loopback indexes go straight to it while anything else, pip's and uv's default
  ``https://pypi.org/simple`` above all, arrives as ``CONNECT pypi.org:443`` (or an
  absolute-URI ``GET``). The proxy records the host and refuses with ``403``: pypi.org is
  *observed* as consulted ("default") but never contacted, and nothing can reach the
  internet. This is more robust than recognising failure messages, which differ between
  clients and versions.
* The log is an ordered list of ``Hit(index, project)``: ``A``/``B``/``C`` for the
  loopback indexes, ``default`` for pypi.org, ``other:<host>`` for anything else.

What the harness asks for is a package **no index has** (``oracle-absent``): pip then
reads the project page of every index in its list (``--index-url`` first, then the extra
indexes, in order) and uv, whose default ``first-index`` strategy stops at the first index
that knows the project, walks its whole list too (extra indexes first, the default index
last). So one run shows each client's complete, ordered index list. The probe wheels
prove the other half, that these are real indexes the clients install from (pip merges
the candidates of all its indexes and takes 1.0.3; uv takes the first index's).
"""

from __future__ import annotations

import html
import re
import threading
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import TracebackType

from tests.e2e.wheelhouse import make_wheel

INDEXES = ("A", "B", "C")
PROBE = "oracle-probe"
ABSENT = "oracle-absent"
VERSIONS = {"A": "1.0.1", "B": "1.0.2", "C": "1.0.3"}
DEFAULT = "default"  # pypi.org, through the proxy
PYPI_HOSTS = frozenset({"pypi.org", "pypi.python.org"})
_NORMALISE = re.compile(r"[-_.]+")


def build_wheels(dest: Path) -> dict[str, Path]:
    """The probe wheel of each index (index name -> wheel file)."""
    out = {}
    for name in INDEXES:
        version = VERSIONS[name]
        module = PROBE.replace("-", "_")
        out[name] = make_wheel(dest / name, PROBE, version, {module: f"INDEX = {name!r}\n"})
    return out


@dataclass(frozen=True)
class Hit:
    index: str  # A | B | C | default | other:<host>
    project: str  # normalised project name ("" for a file or root page)
    path: str


class _Handler(BaseHTTPRequestHandler):
    server: _Server
    protocol_version = "HTTP/1.0"

    def log_message(self, format: str, *args: object) -> None:
        pass  # the access log is self.server.hits

    # -- the proxy side: everything that is not a loopback index ------------------------
    def do_CONNECT(self) -> None:
        host = self.path.rsplit(":", 1)[0].strip("[]").lower()
        self._refuse(host, "")

    def _refuse(self, host: str, path: str) -> None:
        index = DEFAULT if host in PYPI_HOSTS else f"other:{host}"
        project = ""
        m = re.match(r"/simple/([^/]+)", path)
        if m:
            project = _NORMALISE.sub("-", m.group(1)).lower()
        self.server.record(Hit(index, project, f"{host}{path}"))
        self.send_response(403, "oracle harness: no internet")
        self.send_header("Content-Length", "0")
        self.end_headers()

    # -- the index side -------------------------------------------------------------------
    def do_GET(self) -> None:
        if self.path.startswith(("http://", "https://")):  # absolute URI: a proxy request
            rest = self.path.split("://", 1)[1]
            host, _, path = rest.partition("/")
            self._refuse(host.split(":")[0].lower(), "/" + path)
            return
        parts = [p for p in self.path.split("?")[0].split("/") if p]
        if len(parts) >= 2 and parts[0] in INDEXES and parts[1] == "simple":
            name = parts[0]
            project = _NORMALISE.sub("-", parts[2]).lower() if len(parts) > 2 else ""
            self.server.record(Hit(name, project, self.path))
            if project == "":
                self._page(f'<a href="{PROBE}/">{PROBE}</a>')
            elif project == PROBE:
                wheel = self.server.wheels[name]
                href = f"/{name}/files/{wheel.name}"
                self._page(f'<a href="{html.escape(href)}">{html.escape(wheel.name)}</a>')
            else:
                self._send(404, b"not found", "text/plain")
            return
        if len(parts) == 3 and parts[0] in INDEXES and parts[1] == "files":
            wheel = self.server.wheels[parts[0]]
            if parts[2] == wheel.name:
                self._send(200, wheel.read_bytes(), "application/octet-stream")
                return
        self.server.record(Hit(f"other:loopback{self.path}", "", self.path))
        self._send(404, b"not found", "text/plain")

    def _page(self, body: str) -> None:
        text = f"<!DOCTYPE html>\n<html><body>\n{body}\n</body></html>\n"
        self._send(200, text.encode(), "text/html")

    def _send(self, code: int, data: bytes, ctype: str) -> None:
        self.send_response(code)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(data)

    do_HEAD = do_GET


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = False

    def __init__(self, wheels: dict[str, Path]) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.wheels = wheels
        self.hits: list[Hit] = []
        self._lock = threading.Lock()

    def record(self, hit: Hit) -> None:
        with self._lock:
            self.hits.append(hit)


class Indexes:
    """The loopback indexes and proxy of one run (a context manager)."""

    def __init__(self, wheels: dict[str, Path]) -> None:
        self._server = _Server(wheels)
        self.port = self._server.server_address[1]
        self._thread = threading.Thread(
            target=self._server.serve_forever, daemon=True, kwargs={"poll_interval": 0.05}
        )

    def __enter__(self) -> Indexes:
        self._thread.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(5)

    def url(self, name: str) -> str:
        """The simple-index URL of index ``name`` (A, B or C)."""
        return f"http://127.0.0.1:{self.port}/{name}/simple/"

    @property
    def proxy(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def hits(self) -> list[Hit]:
        with self._server._lock:
            return list(self._server.hits)
