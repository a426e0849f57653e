"""The tutorial, followed literally on SQLite: see tutorial_flow.py."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from .new_user_flow import shared_user_venv
from .tutorial_flow import PAGES, Reader, follow_page, tutorial_reader
from .user_venv import UserVenv


@pytest.fixture(scope="module")
def reader(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Reader]:
    venv: UserVenv = shared_user_venv(tmp_path_factory)
    yield from tutorial_reader("sqlite", venv, tmp_path_factory)


@pytest.mark.parametrize("page", PAGES, ids=[page.stem for page in PAGES])
def test_tutorial_page_works_as_written(reader: Reader, page: Path) -> None:
    follow_page(reader, page)
