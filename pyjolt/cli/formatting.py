"""Formatting generated Python with the project's own ruff settings, when ruff exists.

Rendered files are formatted in their temporary folder, before they are compared with
the project, so running a generator twice finds identical files.
"""

from __future__ import annotations

import logging
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

logger = logging.getLogger(__name__)


def find_ruff() -> str | None:
    """``ruff`` on PATH, else next to the running interpreter (same virtualenv)."""
    found = shutil.which("ruff")
    if found:
        return found
    candidate = Path(sys.executable).parent / "ruff"
    return str(candidate) if candidate.is_file() else None


def ruff_config(root: Path) -> Path | None:
    """The project's pyproject.toml when it has a [tool.ruff] table."""
    pyproject = root / "pyproject.toml"
    try:
        data = tomllib.loads(pyproject.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError):
        return None
    return pyproject if "ruff" in data.get("tool", {}) else None


def format_python_files(folder: Path, config: Path | None, first_party: str = "app") -> None:
    """Run ``ruff format`` (and its import sorting fix) on the .py files under ``folder``.

    The folder holds only the new files, so ``first_party`` (the app package) is named
    explicitly: ruff cannot see the rest of the project from there.
    """
    ruff = find_ruff()
    if ruff is None or not any(folder.rglob("*.py")):
        return
    options = ["--config", str(config)] if config else []
    options += ["--config", f"lint.isort.known-first-party = [{first_party!r}]"]
    for command in (
        [
            ruff,
            "check",
            "--no-cache",
            "--select",
            "I",
            "--fix",
            "--quiet",
            "--exit-zero",
            *options,
            ".",
        ],
        [ruff, "format", "--no-cache", "--quiet", *options, "."],
    ):
        result = subprocess.run(command, cwd=folder, capture_output=True, text=True, check=False)
        if result.returncode != 0:
            logger.warning("%s failed: %s", " ".join(command[:2]), result.stderr.strip())
