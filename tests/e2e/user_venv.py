"""A virtual environment made the way the README tells a new user to make one.

``python3 -m venv`` and ``pip install "pyjolt[full]"`` (from this checkout, as PyPI would
serve it: a built wheel, not an editable install), with nothing else from the test run's
own environment. Built once per test session; every e2e module that drives generated
projects as a user would shares it.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

REPOSITORY = Path(__file__).resolve().parents[2]
INSTALL_TIMEOUT = 900


@dataclass(frozen=True)
class UserVenv:
    """Where the user's tools live and how to run them."""

    root: Path

    @property
    def bin(self) -> Path:
        return self.root / "bin"

    def environment(self, **extra: str) -> dict[str, str]:
        """The user's shell: the venv first on PATH, no config keys from the test run."""
        keep = {
            key: value
            for key, value in os.environ.items()
            if not key.startswith(("PYJOLT_TEST_", "PYTEST_", "COV_", "COVERAGE"))
            and key not in {"DEBUG", "DATABASE_URI", "PYTHONPATH", "VIRTUAL_ENV"}
        }
        keep["PATH"] = f"{self.bin}{os.pathsep}{keep.get('PATH', '')}"
        keep["VIRTUAL_ENV"] = str(self.root)
        keep.update(extra)
        return keep

    def run(
        self, *args: str, cwd: Path, timeout: float = 600, **extra_env: str
    ) -> subprocess.CompletedProcess[str]:
        """Run a command of the venv (``pyjolt``, ``pytest``, ``ruff``...) in ``cwd``."""
        command = [str(self.bin / args[0]), *args[1:]]
        return subprocess.run(
            command,
            cwd=cwd,
            env=self.environment(**extra_env),
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )

    def shell(self, line: str, cwd: Path, where: str) -> None:
        """Run one shell line as the user types it (bash, a failing pipe fails); the
        test fails naming ``where`` and showing the output when it exits non-zero."""
        result = subprocess.run(
            ["bash", "-o", "pipefail", "-c", line],
            cwd=cwd,
            env=self.environment(),
            capture_output=True,
            text=True,
            timeout=INSTALL_TIMEOUT,
            check=False,
        )
        assert result.returncode == 0, (
            f"{where}: `{line}` exited {result.returncode}\n"
            f"{result.stdout[-4000:]}\n{result.stderr[-4000:]}"
        )


def source_fingerprint() -> str:
    """A digest of what ``pip install`` takes from this checkout (the package, its
    templates, pyproject.toml), so a venv built from other sources is never reused: the
    shared folder outlives test runs, and other checkouts on the machine use it too."""
    digest = hashlib.sha256()
    paths = [REPOSITORY / "pyproject.toml"]
    for folder in ("pyjolt", "project_templates"):
        paths += (REPOSITORY / folder).rglob("*")
    for path in sorted(paths):
        if path.is_file() and "__pycache__" not in path.parts:
            digest.update(path.relative_to(REPOSITORY).as_posix().encode() + b"\0")
            digest.update(path.read_bytes() + b"\0")
    return digest.hexdigest()[:16]


def build_user_venv(root: Path) -> UserVenv:
    """``python3 -m venv root`` and ``pip install "pyjolt[full]"`` from this checkout."""
    venv = UserVenv(root)
    if not (venv.bin / "pyjolt").is_file():
        subprocess.run([sys.executable, "-m", "venv", str(root)], check=True)
        result = subprocess.run(
            [
                str(venv.bin / "python"),
                "-m",
                "pip",
                "install",
                "--quiet",
                "--disable-pip-version-check",
                f"pyjolt[full] @ {REPOSITORY.as_uri()}",
            ],
            capture_output=True,
            text=True,
            timeout=INSTALL_TIMEOUT,
            check=False,
        )
        if result.returncode != 0:
            raise RuntimeError(f"pip install pyjolt failed:\n{result.stdout}\n{result.stderr}")
    return venv
