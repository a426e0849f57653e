"""The README's minimal application, copied out of the README and run as written."""

import re
import sys
from pathlib import Path

import pytest

from pyjolt.testing import PyJoltTestClient

README = Path(__file__).resolve().parents[2] / "README.md"
FILE_BLOCK = re.compile(r"```python\n# (app/[\w/]+\.py)\n(.*?)```", re.S)


@pytest.fixture
def readme_app(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    blocks: dict[str, str] = {}
    for name, code in FILE_BLOCK.findall(README.read_text()):
        blocks.setdefault(name, code)  # the minimal app comes first
    wanted = ("app/__init__.py", "app/configs.py", "app/api/users.py")
    for name in wanted:
        target = tmp_path / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(blocks[name])
    (tmp_path / "app" / "api" / "__init__.py").touch()
    monkeypatch.syspath_prepend(str(tmp_path))
    for module in [m for m in sys.modules if m == "app" or m.startswith("app.")]:
        monkeypatch.delitem(sys.modules, module)
    from app import Application  # type: ignore[import-not-found]

    return Application()


async def test_readme_app_answers_as_the_readme_says(readme_app):
    async with PyJoltTestClient(readme_app) as client:
        user = await client.get("/api/v1/users/1")
        created = await client.post("/api/v1/users/", json={"email": "a@b.c", "fullname": "Bo"})
        invalid = await client.post("/api/v1/users/", json={"email": "a@b.c"})
        missing = await client.get("/api/v1/users/9")
        wrong_method = await client.delete("/api/v1/users/1")
        docs = await client.get("/openapi/specs.json")
    assert user.json() == {"id": 1, "fullname": "Ada"}
    assert (created.status_code, created.json()) == (201, {"id": 2, "fullname": "Bo"})
    assert invalid.status_code == 422
    assert missing.status_code == 404
    assert wrong_method.status_code == 405
    assert "/api/v1/users/{user_id}" in docs.json()["paths"]
