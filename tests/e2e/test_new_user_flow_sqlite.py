"""A new user's flow on SQLite: see new_user_flow.py."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from .new_user_flow import STEPS, UserProject, check_step, new_user_project, shared_user_venv
from .user_venv import UserVenv


@pytest.fixture(scope="session")
def user_venv(tmp_path_factory: pytest.TempPathFactory) -> UserVenv:
    return shared_user_venv(tmp_path_factory)


@pytest.fixture(scope="module")
def user_project(
    user_venv: UserVenv, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[UserProject]:
    yield from new_user_project("sqlite", user_venv, tmp_path_factory)


@pytest.mark.parametrize(("step", "command"), STEPS, ids=[name for name, _ in STEPS])
def test_every_step_leaves_a_project_that_passes_its_checks(
    user_project: UserProject, step: str, command: list[str]
) -> None:
    check_step(user_project, step, command)
