"""The docs' ``pyjolt`` commands run as written: see docs_commands.py."""

from __future__ import annotations

from pathlib import Path

import pytest

from .docs_commands import Shell, page_id, pages_with_commands
from .new_user_flow import shared_user_venv

PAGES = pages_with_commands()


def test_the_docs_have_commands_to_run() -> None:
    assert len(PAGES) >= 4, [page_id(page) for page in PAGES]


@pytest.mark.parametrize("page", PAGES, ids=[page_id(page) for page in PAGES])
def test_the_commands_of_a_page_run_as_written(
    page: Path, tmp_path: Path, tmp_path_factory: pytest.TempPathFactory
) -> None:
    Shell(shared_user_venv(tmp_path_factory), tmp_path).run_page(page)
