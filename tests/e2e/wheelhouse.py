"""Wheels for the end-to-end tests, made without a network.

The tests install things with the real pip, but never from the internet. Two sources:

- :func:`runtime_wheelhouse` re-packs the test environment's *installed* distributions that
  pipsrc needs (its runtime dependencies and its build backend) back into wheel files. An
  installed ``*.dist-info`` keeps ``WHEEL`` (the tags) and ``RECORD`` (the file list), so
  zipping the recorded files under ``{name}-{version}-{tags}.whl`` with a fresh RECORD gives a
  wheel pip installs like the original. This is how pre-commit's own ``pip install .`` of the
  hook repository runs with ``PIP_NO_INDEX`` and a local ``--find-links``.
- :func:`make_wheel` writes a tiny pure-Python wheel by hand, for the package indexes to serve.
"""

from __future__ import annotations

import base64
import csv
import hashlib
import io
import re
import stat
import tomllib
import zipfile
from collections.abc import Iterable
from importlib.metadata import Distribution, PackageNotFoundError, distribution
from pathlib import Path

from packaging.markers import default_environment
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parents[2]
_EPOCH = (1980, 1, 1, 0, 0, 0)  # fixed zip timestamps: the same input gives the same wheel
_SKIPPED_INFO = {"RECORD", "INSTALLER", "REQUESTED", "direct_url.json"}


class WheelhouseError(Exception):
    """The test environment lacks something the offline wheelhouse needs."""


def _record_hash(data: bytes) -> str:
    digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=")
    return "sha256=" + digest.decode("ascii")


def _write_wheel(path: Path, info_dir: str, members: Iterable[tuple[str, bytes, int]]) -> Path:
    """Zip ``members`` (archive name, bytes, mode) and a RECORD listing every one of them."""
    rows: list[tuple[str, str, str]] = []
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data, mode in members:
            info = zipfile.ZipInfo(name, _EPOCH)
            info.external_attr = (stat.S_IFREG | (mode & 0o777)) << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            zf.writestr(info, data)
            rows.append((name, _record_hash(data), str(len(data))))
        record = f"{info_dir}/RECORD"
        buf = io.StringIO()
        writer = csv.writer(buf, lineterminator="\n")
        writer.writerows([*rows, (record, "", "")])
        info = zipfile.ZipInfo(record, _EPOCH)
        info.external_attr = (stat.S_IFREG | 0o644) << 16
        zf.writestr(info, buf.getvalue())
    return path


def _compressed_tags(tags: list[str]) -> str:
    """``py-abi-plat`` tags as the compressed tag set of a wheel file name."""
    parts: list[list[str]] = [[], [], []]
    for tag in tags:
        for i, value in enumerate(tag.split("-")):
            if value not in parts[i]:
                parts[i].append(value)
    return "-".join(".".join(p) for p in parts)


def repack(dist: Distribution, dest: Path) -> Path:
    """Rebuild the wheel an installed distribution came from, into ``dest``."""
    files = dist.files or []
    infos = {f.parts[0] for f in files if len(f.parts) == 2 and f.parts[0].endswith(".dist-info")}
    wheel_text = dist.read_text("WHEEL")
    if len(infos) != 1 or wheel_text is None:
        raise WheelhouseError(f"{dist.metadata['Name']}: not installed from a wheel; cannot repack")
    info_dir = infos.pop()
    tags = [
        line.split(":", 1)[1].strip() for line in wheel_text.splitlines() if line.startswith("Tag:")
    ]
    members = []
    for f in files:
        if ".." in f.parts or "__pycache__" in f.parts or f.suffix == ".pyc":
            continue  # scripts outside site-packages are re-created from entry_points.txt
        if f.parts[0] == info_dir and f.name in _SKIPPED_INFO:
            continue
        real = Path(str(dist.locate_file(f)))
        members.append((f.as_posix(), real.read_bytes(), real.stat().st_mode))
    stem = info_dir.removesuffix(".dist-info")
    return _write_wheel(dest / f"{stem}-{_compressed_tags(tags)}.whl", info_dir, members)


def closure(requirements: Iterable[str]) -> list[Distribution]:
    """The installed distributions that satisfy ``requirements``, with their dependencies."""
    base_env = default_environment()
    found: dict[str, Distribution] = {}
    todo = [(Requirement(r), "") for r in requirements]
    while todo:
        req, extra = todo.pop()
        env = {**base_env, "extra": extra}
        if req.marker is not None and not req.marker.evaluate(env):
            continue
        key = canonicalize_name(req.name)
        if key in found:
            continue
        try:
            dist = distribution(req.name)
        except PackageNotFoundError:
            raise WheelhouseError(f"{req}: not installed in the test environment") from None
        if not req.specifier.contains(dist.version, prereleases=True):
            raise WheelhouseError(f"{req}: the test environment has {dist.version}")
        found[key] = dist
        for sub in dist.requires or []:
            for ex in ("", *sorted(req.extras)):
                todo.append((Requirement(sub), ex))
    return [found[k] for k in sorted(found)]


def project_requirements(root: Path = ROOT) -> list[str]:
    """pipsrc's runtime dependencies and build requirements, from its pyproject.toml."""
    data = tomllib.loads((root / "pyproject.toml").read_text(encoding="utf-8"))
    return [*data["project"]["dependencies"], *data["build-system"]["requires"]]


def runtime_wheelhouse(dest: Path, root: Path = ROOT) -> list[Path]:
    """Wheels of everything installing pipsrc from source needs, re-packed from this env."""
    dest.mkdir(parents=True, exist_ok=True)
    return [repack(d, dest) for d in closure(project_requirements(root))]


def make_wheel(dest: Path, name: str, version: str, modules: dict[str, str]) -> Path:
    """A pure-Python wheel with the given top-level modules (name -> source)."""
    dist = re.sub(r"[-_.]+", "_", name).lower()
    info_dir = f"{dist}-{version}.dist-info"
    metadata = f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\nSummary: e2e test\n"
    wheel = (
        "Wheel-Version: 1.0\nGenerator: pipsrc-tests\nRoot-Is-Purelib: true\nTag: py3-none-any\n"
    )
    members = [(f"{mod}.py", src.encode("utf-8"), 0o644) for mod, src in modules.items()]
    members += [
        (f"{info_dir}/METADATA", metadata.encode("utf-8"), 0o644),
        (f"{info_dir}/WHEEL", wheel.encode("utf-8"), 0o644),
    ]
    dest.mkdir(parents=True, exist_ok=True)
    return _write_wheel(dest / f"{dist}-{version}-py3-none-any.whl", info_dir, members)
