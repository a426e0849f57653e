"""Running ``pyjolt`` and other tools as subprocesses of the test venv, in a project."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path

BIN = Path(sys.executable).parent
PYJOLT = str(BIN / "pyjolt")
TIMEOUT = 180


def environment() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in {"DEBUG", "DATABASE_URI"}}
    env["PATH"] = f"{BIN}{os.pathsep}{env.get('PATH', '')}"
    env.pop("PYTHONPATH", None)
    return env


def run(
    *args: str, cwd: Path, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        list(args),
        cwd=cwd,
        env=env or environment(),
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
        check=False,
    )


def pyjolt(
    *args: str, cwd: Path, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    return run(PYJOLT, *args, cwd=cwd, env=env)


def ok(result: subprocess.CompletedProcess[str]) -> subprocess.CompletedProcess[str]:
    assert result.returncode == 0, f"exit {result.returncode}\n{result.stdout}\n{result.stderr}"
    return result


def copy_project(source: Path, destination: Path) -> Path:
    """A private copy of a generated project for a test that changes it: its files
    without databases or bytecode."""
    shutil.copytree(source, destination, ignore=shutil.ignore_patterns("*.db", "__pycache__"))
    return destination


def snapshot(root: Path) -> dict[str, bytes]:
    return {
        path.relative_to(root).as_posix(): path.read_bytes()
        for path in sorted(root.rglob("*"))
        if path.is_file()
        and not {"__pycache__", ".pytest_cache", ".ruff_cache"} & set(path.parts)
        and path.suffix != ".db"
    }


def terminate(process: subprocess.Popen[bytes], timeout: float = 15) -> None:
    """Stop a server as a process manager would (SIGTERM); kill it if it hangs."""
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=timeout)
