"""Fetch Swagger UI from npm's ``swagger-ui-dist`` into pyjolt/openapi/swagger_ui/.

PyJolt ships the few files its docs page loads, so ``/openapi/docs`` works without a
network. This script is the only way those files change:

    python scripts/update_swagger_ui.py            # re-fetch the pinned version, rewrite
    python scripts/update_swagger_ui.py 5.36.0     # move the pin to another version
    python scripts/update_swagger_ui.py --check    # verify the shipped files, write nothing

The tarball is checked against the ``sha512`` integrity the registry publishes, and for
the pinned version also against the one recorded in SOURCE.json, so a re-fetch that
yields other bytes fails instead of silently changing what PyJolt ships. SOURCE.json
records the tarball, its integrity and the SHA-256 of every shipped file (a test checks
those); VERSION holds the version alone, for humans and for the asset URLs.
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import io
import json
import re
import sys
import tarfile
import tempfile
import urllib.request
from pathlib import Path

PACKAGE = "swagger-ui-dist"
REGISTRY = "https://registry.npmjs.org"
DESTINATION = Path(__file__).resolve().parent.parent / "pyjolt" / "openapi" / "swagger_ui"
#: What the docs page loads (bundle, stylesheet, icons) and the licence texts that must
#: travel with them; the source maps, ES modules and standalone preset are left out.
FILES = (
    "swagger-ui-bundle.js",
    "swagger-ui-bundle.js.LICENSE.txt",
    "swagger-ui.css",
    "favicon-16x16.png",
    "favicon-32x32.png",
    "LICENSE",
    "NOTICE",
)
VERSION_PATTERN = re.compile(r"^\d+\.\d+\.\d+$")
TIMEOUT = 60


class FetchError(RuntimeError):
    """The registry's answer or the tarball is not what was expected."""


def fetch(url: str) -> bytes:
    with urllib.request.urlopen(url, timeout=TIMEOUT) as answer:
        return bytes(answer.read())


def integrity_of(data: bytes) -> str:
    """npm's Subresource Integrity string (``sha512-<base64>``) of ``data``."""
    return "sha512-" + base64.b64encode(hashlib.sha512(data).digest()).decode("ascii")


def sha256_of(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def recorded_source() -> dict[str, object] | None:
    source = DESTINATION / "SOURCE.json"
    if not source.is_file():
        return None
    return dict(json.loads(source.read_text(encoding="utf-8")))


def download(version: str, expected_integrity: str | None) -> tuple[str, str, dict[str, bytes]]:
    """The tarball URL, its integrity and the shipped files of ``version``, all verified."""
    if not VERSION_PATTERN.match(version):
        raise FetchError(f"{version!r} is not a release version such as 5.35.0")
    metadata = json.loads(fetch(f"{REGISTRY}/{PACKAGE}/{version}"))
    dist = metadata["dist"]
    tarball_url, published = str(dist["tarball"]), str(dist["integrity"])
    if not published.startswith("sha512-"):
        raise FetchError(f"{PACKAGE} {version}: the registry gives no sha512 integrity")
    if expected_integrity is not None and published != expected_integrity:
        raise FetchError(
            f"{PACKAGE} {version}: the registry now publishes integrity {published}, "
            f"SOURCE.json recorded {expected_integrity}"
        )
    tarball = fetch(tarball_url)
    if integrity_of(tarball) != published:
        raise FetchError(f"{tarball_url}: the download does not match integrity {published}")
    files: dict[str, bytes] = {}
    with tarfile.open(fileobj=io.BytesIO(tarball), mode="r:gz") as archive:
        for name in FILES:
            try:
                member = archive.getmember(f"package/{name}")
            except KeyError:
                raise FetchError(f"{PACKAGE} {version} has no {name}") from None
            extracted = archive.extractfile(member) if member.isfile() else None
            if extracted is None:
                raise FetchError(f"{PACKAGE} {version}: {name} is not a regular file")
            files[name] = extracted.read()
    return tarball_url, published, files


def write(version: str, tarball_url: str, integrity: str, files: dict[str, bytes]) -> None:
    """Replace the shipped files; each one is written beside its target and renamed."""
    DESTINATION.mkdir(parents=True, exist_ok=True)
    source = {
        "package": PACKAGE,
        "version": version,
        "tarball": tarball_url,
        "integrity": integrity,
        "files": {name: sha256_of(data) for name, data in sorted(files.items())},
    }
    outputs = {
        **files,
        "VERSION": f"{version}\n".encode(),
        "SOURCE.json": (json.dumps(source, indent=2) + "\n").encode(),
    }
    for name, data in outputs.items():
        with tempfile.NamedTemporaryFile(dir=DESTINATION, delete=False) as temporary:
            temporary.write(data)
        Path(temporary.name).chmod(0o644)  # NamedTemporaryFile makes it 0600
        Path(temporary.name).replace(DESTINATION / name)
    for stale in DESTINATION.iterdir():
        if stale.is_file() and stale.name not in outputs:
            stale.unlink()


def check(expected_integrity: str, version: str) -> list[str]:
    """Differences between the shipped files and the pinned tarball's (empty: all equal)."""
    _, _, files = download(version, expected_integrity)
    problems = []
    for name, data in files.items():
        shipped = DESTINATION / name
        if not shipped.is_file() or shipped.read_bytes() != data:
            problems.append(f"{shipped} differs from {PACKAGE} {version}")
    return problems


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("version", nargs="?", help="swagger-ui-dist version (default: pinned)")
    parser.add_argument("--check", action="store_true", help="verify only; write nothing")
    args = parser.parse_args(argv)
    source = recorded_source()
    pinned = str(source["version"]) if source else None
    version = args.version or pinned
    if version is None:
        parser.error("nothing is pinned yet: name a version, for example 5.35.0")
    same_pin = source is not None and version == pinned
    expected = str(source["integrity"]) if source is not None and same_pin else None
    try:
        if args.check:
            if expected is None:
                parser.error("--check verifies the pinned version; leave the version out")
            problems = check(expected, version)
            for problem in problems:
                print(problem, file=sys.stderr)
            if not problems:
                print(f"shipped files match {PACKAGE} {version} ({expected})")
            return 1 if problems else 0
        tarball_url, integrity, files = download(version, expected)
    except (FetchError, OSError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    write(version, tarball_url, integrity, files)
    print(f"wrote {PACKAGE} {version} ({integrity}) to {DESTINATION}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
