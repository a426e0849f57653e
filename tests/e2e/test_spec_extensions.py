"""The SPEC's extension examples (database, auth with its cookie loader, managed sessions,
cache, scheduler), written as the SPEC shows them, run together through the public API."""

import asyncio
import shutil
import sys
from pathlib import Path

import pytest

from pyjolt.testing import PyJoltTestClient

PROJECT = Path(__file__).parent / "apps" / "spec_extensions"


@pytest.fixture
def spec_app(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    shutil.copytree(PROJECT, tmp_path, dirs_exist_ok=True)
    monkeypatch.chdir(tmp_path)  # DATABASE_URI is ./test.db
    monkeypatch.syspath_prepend(str(tmp_path))
    for module in [m for m in sys.modules if m == "app" or m.startswith("app.")]:
        monkeypatch.delitem(sys.modules, module)
    from app import Application  # type: ignore[import-not-found]
    from app.extensions import db, migrate  # type: ignore[import-not-found]

    application = Application()
    migrate.init()
    migrate.migrate(message="users and roles")
    migrate.upgrade()
    return application, db


async def test_spec_extension_examples_work_together(spec_app):
    application, _ = spec_app
    from app.scheduler import RUNS, scheduler  # type: ignore[import-not-found]

    async with PyJoltTestClient(application) as client:
        admin = await client.post("/api/v1/users/", json={"email": "admin@x.io", "fullname": "Ada"})
        plain = await client.post("/api/v1/users/", json={"email": "bo@x.io", "fullname": "Bo"})
        anonymous = await client.get(f"/api/v1/users/{admin.json()['id']}")
        await client.get(f"/api/v1/users/login/{plain.json()['id']}")
        forbidden = await client.get(f"/api/v1/users/{admin.json()['id']}")
        client.cookies.clear()
        await client.get(f"/api/v1/users/login/{admin.json()['id']}")
        allowed = await client.get(f"/api/v1/users/{plain.json()['id']}")
        client.cookies.clear()
        first = await client.get("/api/v1/users/count")
        second = await client.get("/api/v1/users/count")
        assert scheduler.get_job("my_job") is not None
        await asyncio.sleep(0.05)
    assert (admin.status_code, plain.status_code) == (201, 201)
    assert anonymous.status_code == 401
    assert forbidden.status_code == 403
    assert (allowed.status_code, allowed.json()["fullname"]) == (200, "Bo")
    assert first.json() == second.json() == {"total": 2, "calls": 1}
    assert RUNS == ["admin@x.io", "bo@x.io"]
