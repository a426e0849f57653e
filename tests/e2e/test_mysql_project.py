"""A project made with ``new-project --database mysql``, end to end on MariaDB.

``pyjolt db create`` and the generated migrations build the database; the app served by
a real uvicorn process answers 201/404/409/422 and pages; a ``+02:00`` datetime comes
back as the same instant; ``destroy`` drops a table through a new migration; and the
project's own tests pass against its ``<name>_test`` database. Needs
PYJOLT_TEST_MYSQL_URL (e.g. mysql+asyncmy://root@127.0.0.1:3306/test).
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest

from .databases import MYSQL
from .helpers import environment, ok, pyjolt

RESOURCE = [
    "generate",
    "resource",
    "events",
    "title:str!",
    "starts_at:datetime",
    "seats:int",
    "price:float",
    "notes:text?",
    "code:text?!",
]


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    parent = tmp_path_factory.mktemp("mysql")
    with MYSQL.throwaway("pyjolt_shop") as database:
        ok(
            pyjolt(
                "new-project", "shop", "--defaults", *MYSQL.new_project_args(database), cwd=parent
            )
        )
        root = parent / "shop"
        ok(pyjolt(*RESOURCE, cwd=root))
        ok(pyjolt("db", "create", cwd=root))
        ok(pyjolt("db", "upgrade", cwd=root))
        yield root


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture(scope="module")
def server(project: Path) -> Iterator[str]:
    port = _free_port()
    log = (project / "uvicorn.log").open("w")
    process = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", "app:Application", "--factory", "--port", str(port)],
        cwd=project,
        env=environment(),
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                if httpx.get(f"{base}/health", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert process.poll() is None, (project / "uvicorn.log").read_text()
            assert time.monotonic() < deadline, "uvicorn did not answer in 30 s"
            time.sleep(0.2)
        yield base
    finally:
        process.terminate()
        process.wait(timeout=10)
        log.close()


def test_the_migrated_schema_matches_the_models(project: Path) -> None:
    result = ok(pyjolt("db", "check", cwd=project))
    assert "match its migrations" in result.stderr


def test_the_served_app_creates_reads_pages_and_refuses_duplicates(server: str) -> None:
    event = {"title": "launch", "starts_at": "2026-01-01T10:00:00+02:00", "seats": 50}
    event |= {"price": 19.99, "notes": "héllo 👋", "code": "a" * 300}
    with httpx.Client(base_url=server, timeout=10) as client:
        created = client.post("/api/v1/events/", json=event)
        assert created.status_code == 201, created.text
        body = created.json()
        assert body["notes"] == "héllo 👋" and body["price"] == 19.99
        fetched = client.get(f"/api/v1/events/{body['id']}")
        assert fetched.status_code == 200
        back = datetime.fromisoformat(fetched.json()["starts_at"])
        assert back == datetime(2026, 1, 1, 8, 0, tzinfo=UTC)
        assert back.utcoffset() is not None

        assert client.get("/api/v1/events/999999").status_code == 404
        duplicate = client.post("/api/v1/events/", json={**event, "code": "b"})
        assert duplicate.status_code == 409, duplicate.text
        long_text = client.post("/api/v1/events/", json={**event, "title": "other"})
        assert long_text.status_code == 409, long_text.text  # unique on a TEXT column
        too_long = client.post("/api/v1/events/", json={**event, "title": "x" * 256})
        assert too_long.status_code == 422
        too_big = client.post("/api/v1/events/", json={**event, "title": "big", "seats": 2**40})
        assert too_big.status_code == 422

        for number in range(5):
            extra = {**event, "title": f"event {number}", "code": f"code {number}"}
            assert client.post("/api/v1/events/", json=extra).status_code == 201
        page = client.get("/api/v1/events/", params={"page": 2, "per_page": 4}).json()
        assert (page["total"], page["pages"], page["page"]) == (6, 2, 2)
        assert [item["title"] for item in page["items"]] == ["event 3", "event 4"]


def test_the_projects_own_tests_pass_on_mariadb(project: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-x"],
        cwd=project,
        env={**environment(), "PYTHONDONTWRITEBYTECODE": "1"},
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
    assert " passed" in result.stdout


def test_destroy_drops_the_table_with_a_new_migration(project: Path) -> None:
    result = ok(pyjolt("destroy", "resource", "events", "--force", cwd=project))
    assert "drop" in (result.stdout + result.stderr).lower()
    ok(pyjolt("db", "upgrade", cwd=project))
    ok(pyjolt("db", "check", cwd=project))
    assert os.listdir(project / "app" / "migrations" / "versions")
