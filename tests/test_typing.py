"""Users' code type-checks: mypy --strict on a config and on code that aborts."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

USER_CODE = textwrap.dedent(
    """
    from pyjolt import BaseConfig, abort, html_abort


    class Config(BaseConfig):
        APP_NAME: str = "Shop"
        DEBUG = False
        DATABASE_URI: str = "sqlite+aiosqlite:///./shop.db"


    def find(value: int | None) -> int:
        if value is None:
            abort("Product not found", 404)
        return value


    def page(value: str | None) -> str:
        if value is None:
            html_abort("404.html", 404)
        return value


    config = Config()
    """
)


def test_mypy_strict_accepts_a_user_config_and_abort_narrowing(tmp_path: Path) -> None:
    source = tmp_path / "user_code.py"
    source.write_text(USER_CODE)
    result = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--cache-dir", str(tmp_path / ".cache"), "."],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
