"""A ``+02:00`` datetime sent to a generated resource comes back as the same instant, and
is stored in UTC, on SQLite and MySQL/MariaDB (which keep no time zone) and on PostgreSQL
alike.

The check runs as the generated project's own test, through its resource endpoints and
on the database its migrations build (the project's conftest picks it from DATABASE_URI).
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from .databases import BACKENDS, Backend, params
from .helpers import environment, ok, pyjolt

INSTANT_TEST = '''\
"""A time zone offset survives the round trip through the events resource."""

from datetime import UTC, datetime

from pyjolt.testing import PyJoltTestClient
from sqlalchemy import text

from app.extensions import db


async def test_an_offset_datetime_is_stored_in_utc_and_read_as_the_same_instant(
    client: PyJoltTestClient,
) -> None:
    sent = {"title": "launch", "starts_at": "2026-01-01T10:00:00+02:00"}
    created = await client.post("/api/v1/events/", json=sent)
    assert created.status_code == 201, created.text
    fetched = await client.get(f"/api/v1/events/{created.json()['id']}")
    listed = await client.get("/api/v1/events/")

    instant = datetime(2026, 1, 1, 8, 0, tzinfo=UTC)
    for body in (created.json(), fetched.json(), listed.json()["items"][0]):
        back = datetime.fromisoformat(body["starts_at"])
        assert back.utcoffset() is not None, body
        assert back == instant, body
    async with db.session() as session:
        stored = (await session.execute(text("SELECT starts_at FROM events"))).scalar_one()
    # SQLite hands back the stored text, PostgreSQL an aware datetime, MySQL a naive one:
    # all say 08:00 UTC.
    assert str(stored).startswith("2026-01-01 08:00:00"), stored
'''


@pytest.fixture(params=params(BACKENDS))
def project(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Path]:
    backend: Backend = request.param
    with backend.throwaway("pyjolt_instants") as database:
        options = backend.new_project_args(database)
        ok(pyjolt("new-project", "shop", "--defaults", *options, cwd=tmp_path))
        yield tmp_path / "shop"


def test_an_offset_datetime_round_trips_through_a_generated_resource(project: Path) -> None:
    ok(pyjolt("generate", "resource", "events", "title:str", "starts_at:datetime", cwd=project))
    (project / "tests" / "api" / "test_event_instants.py").write_text(INSTANT_TEST)

    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "-p",
            "no:cacheprovider",
            "tests/api/test_event_instants.py",
        ],
        cwd=project,
        env=environment(),
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )

    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-4000:]
    assert "1 passed" in result.stdout
