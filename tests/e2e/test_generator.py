"""The generator end to end: real ``pyjolt`` processes in temporary folders.

One project is made per module (new-project, then generate controller, model and
resource); the tests then run its own test suite and linters, the introspection and
database commands, ``pyjolt dev`` with reloading, and the bad inputs, each checking
that nothing was written.
"""

from __future__ import annotations

import asyncio
import json
import os
import signal
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from .helpers import BIN, PYJOLT, TIMEOUT, copy_project, environment, ok, pyjolt, run, snapshot


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """new-project shop, then a controller, a model and a resource, all by subprocess."""
    parent = tmp_path_factory.mktemp("e2e")
    ok(pyjolt("new-project", "shop", "--defaults", cwd=parent))
    root = parent / "shop"
    ok(pyjolt("generate", "controller", "user-accounts", "--crud", cwd=root))
    ok(pyjolt("generate", "model", "Tag", "label:str!", "color:str?", cwd=root))
    ok(pyjolt("generate", "controller", "tags", "--crud", "--model", "Tag", cwd=root))
    ok(
        pyjolt(
            "generate",
            "resource",
            "products",
            "name:str!",
            "price:float",
            "description:text?",
            "in_stock:bool",
            "released:date?",
            "sku:uuid?",
            "attributes:json?",
            "published_at:datetime?",
            "stock:int",
            cwd=root,
        )
    )
    return root


@pytest.fixture
def project(generated: Path, tmp_path: Path) -> Path:
    """A private copy of the generated project (for tests that change it)."""
    return copy_project(generated, tmp_path / "shop")


def test_generated_project_passes_its_own_tests(generated: Path) -> None:
    result = ok(run(sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", cwd=generated))
    assert " passed" in result.stdout
    assert "failed" not in result.stdout


def test_generated_project_passes_ruff_with_its_own_settings(generated: Path) -> None:
    ok(run(str(BIN / "ruff"), "check", "--no-cache", ".", cwd=generated))
    ok(run(str(BIN / "ruff"), "format", "--no-cache", "--check", ".", cwd=generated))


def test_routes_lists_the_generated_endpoints(generated: Path) -> None:
    routes = json.loads(ok(pyjolt("routes", "--json", cwd=generated)).stdout)
    paths = {(route["method"], route["path"]) for route in routes}
    assert ("GET", "/api/v1/products/") in paths
    assert ("PATCH", "/api/v1/products/<id:product_id>") in paths
    assert ("POST", "/api/v1/user-accounts/") in paths
    assert ("DELETE", "/api/v1/tags/<id:tag_id>") in paths
    products = next(r for r in routes if r["endpoint"] == "ProductsApi.list_products")
    assert products["file"] == "app/api/products.py"


def test_routes_table_is_readable(generated: Path) -> None:
    table = ok(pyjolt("routes", cwd=generated)).stdout
    assert "Method" in table and "Controller file" in table
    assert "ProductsApi.create_product" in table


def test_openapi_export_is_a_valid_document(generated: Path, tmp_path: Path) -> None:
    from openapi_spec_validator import validate

    output = tmp_path / "openapi.json"
    ok(pyjolt("openapi", "export", "--output", str(output), cwd=generated))
    spec = json.loads(output.read_text())
    validate(spec)
    assert "/api/v1/products/" in spec["paths"]
    ok(pyjolt("openapi", "export", "--output", str(output), "--check", cwd=generated))
    output.write_text("{}")
    stale = pyjolt("openapi", "export", "--output", str(output), "--check", cwd=generated)
    assert stale.returncode == 4


def test_openapi_export_needs_no_database(generated: Path, tmp_path: Path) -> None:
    env = environment()
    env["DATABASE_URI"] = "postgresql+asyncpg://nobody@127.0.0.1:1/nothing"
    result = pyjolt("openapi", "export", "--format", "yaml", cwd=generated, env=env)
    assert ok(result).stdout.startswith("openapi: 3.")


def test_migrations_apply_and_match_the_models_on_sqlite(project: Path) -> None:
    behind = pyjolt("db", "check", cwd=project)
    assert behind.returncode == 4  # a fresh database is behind its migrations
    assert "not up to date" in behind.stderr
    upgrade = ok(pyjolt("db", "upgrade", cwd=project))
    assert "Create products table" in upgrade.stdout
    assert "Create tags table" in upgrade.stdout  # generate model writes its migration
    ok(pyjolt("db", "check", cwd=project))
    ok(pyjolt("db", "downgrade", "base", cwd=project))
    ok(pyjolt("db", "upgrade", cwd=project))
    assert "(head)" in ok(pyjolt("db", "current", cwd=project)).stdout


def _postgres_url() -> str | None:
    url = os.environ.get("PYJOLT_TEST_POSTGRES_URL")
    if not url:
        return None
    try:
        with socket.create_connection(("127.0.0.1", 5432), timeout=1):
            return url
    except OSError:
        return None


def _admin(url: str, statement: str) -> None:
    import asyncpg

    async def execute() -> None:
        connection = await asyncpg.connect(url.replace("postgresql+asyncpg://", "postgresql://"))
        try:
            await connection.execute(statement)
        finally:
            await connection.close()

    asyncio.run(execute())


def test_migrations_apply_and_match_the_models_on_postgres(project: Path) -> None:
    url = _postgres_url()
    if url is None:
        pytest.skip("PostgreSQL is not available (set PYJOLT_TEST_POSTGRES_URL)")
    name = f"pyjolt_e2e_{uuid.uuid4().hex[:10]}"
    _admin(url, f'CREATE DATABASE "{name}"')
    try:
        env = environment()
        env["DATABASE_URI"] = url.rsplit("/", 1)[0] + f"/{name}"
        ok(pyjolt("db", "upgrade", cwd=project, env=env))
        ok(pyjolt("db", "check", cwd=project, env=env))
    finally:
        _admin(url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_destroy_returns_configs_to_its_earlier_text(project: Path) -> None:
    configs = project / "app" / "configs.py"
    before = configs.read_bytes()
    ok(pyjolt("generate", "resource", "orders", "number:str!", "total:float", cwd=project))
    assert configs.read_bytes() != before
    ok(pyjolt("destroy", "resource", "orders", cwd=project))
    assert configs.read_bytes() == before
    assert not (project / "app/api/orders.py").exists()


def test_generating_twice_changes_nothing(project: Path) -> None:
    before = snapshot(project)
    result = ok(
        pyjolt(
            "generate",
            "resource",
            "products",
            "name:str!",
            "price:float",
            "description:text?",
            "in_stock:bool",
            "released:date?",
            "sku:uuid?",
            "attributes:json?",
            "published_at:datetime?",
            "stock:int",
            cwd=project,
        )
    )
    assert "no change" in result.stderr
    assert snapshot(project) == before


@pytest.mark.parametrize(
    ("args", "code"),
    [
        (["generate", "controller", "class"], 2),
        (["generate", "controller", "api/users"], 2),
        (["generate", "controller", "..\\users"], 2),
        (["generate", "controller", "9lives"], 2),
        (["generate", "model", "None", "a:str"], 2),
        (["generate", "model", "Item", "price:money"], 2),
        (["generate", "resource", "def", "a:str"], 2),
        (["generate", "exception-handler", "bad/name"], 2),
        (["destroy", "controller", "never-made"], 1),
        (["destroy", "controller"], 2),
        (["generate", "model", "Base", "a:str"], 3),
        (["new-project", "pyjolt", "--defaults"], 2),
        (["generate", "controller", "home"], 3),  # app/api/home.py exists and differs
    ],
)
def test_bad_inputs_write_nothing(project: Path, args: list[str], code: int) -> None:
    before = snapshot(project)
    result = pyjolt(*args, cwd=project)
    assert result.returncode == code, result.stderr
    assert "error:" in result.stderr.lower()
    assert "Traceback" not in result.stderr
    assert snapshot(project) == before


def test_unparseable_configs_names_the_line_and_writes_nothing(project: Path) -> None:
    configs = project / "app" / "configs.py"
    lines = configs.read_text().splitlines(True)
    index = next(i for i, line in enumerate(lines) if "CONTROLLERS" in line)
    lines.insert(index, "    BROKEN: str = 'no end\n")
    configs.write_text("".join(lines))
    before = snapshot(project)
    result = pyjolt("generate", "controller", "reports", cwd=project)
    assert result.returncode == 1
    assert f"app/configs.py:{index + 1}:" in result.stderr
    assert snapshot(project) == before


def test_new_project_into_a_non_empty_folder_is_refused(tmp_path: Path) -> None:
    (tmp_path / "shop").mkdir()
    (tmp_path / "shop" / "keep.txt").write_text("mine")
    result = pyjolt("new-project", "shop", "--defaults", cwd=tmp_path)
    assert result.returncode == 3
    assert snapshot(tmp_path) == {"shop/keep.txt": b"mine"}


def test_commands_outside_a_project_explain_themselves(tmp_path: Path) -> None:
    for args in (["routes"], ["generate", "controller", "users"], ["db", "upgrade"], ["dev"]):
        result = pyjolt(*args, cwd=tmp_path)
        assert result.returncode == 1, args
        assert "no PyJolt project found" in result.stderr
        assert "hint:" in result.stderr
    assert list(tmp_path.iterdir()) == []


def test_new_project_without_a_tty_takes_the_defaults(tmp_path: Path) -> None:
    result = subprocess.run(
        [PYJOLT, "new-project", "quiet"],
        cwd=tmp_path,
        env=environment(),
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
        check=False,
    )
    ok(result)
    assert (tmp_path / "quiet" / "app" / "configs.py").is_file()


# --- pyjolt dev ---------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def dev_server(project: Path) -> Iterator[tuple[str, Path]]:
    """``pyjolt dev`` on a free port, stopped (with its reloader's workers) afterwards."""
    port = free_port()
    log = (project / "dev.log").open("w")
    process = subprocess.Popen(
        [PYJOLT, "dev", "--port", str(port)],
        cwd=project,
        env=environment(),
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        wait_for(lambda: get(f"{base}/health") is not None, 30, "the dev server to start")
        yield base, project
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)
        log.close()


def get(url: str) -> httpx.Response | None:
    try:
        return httpx.get(url, timeout=1)
    except httpx.HTTPError:
        return None


def wait_for(condition: object, seconds: float, what: str) -> float:
    start = time.monotonic()
    while time.monotonic() - start < seconds:
        if condition():  # type: ignore[operator]
            return time.monotonic() - start
        time.sleep(0.05)
    raise AssertionError(f"timed out after {seconds} s waiting for {what}")


def health_status(base: str) -> str | None:
    response = get(f"{base}/health")
    return (
        response.json()["status"] if response is not None and response.status_code == 200 else None
    )


def test_dev_serves_and_picks_up_an_edited_controller(dev_server: tuple[str, Path]) -> None:
    base, project = dev_server
    assert health_status(base) == "ok"
    home = project / "app" / "api" / "home.py"
    home.write_text(home.read_text().replace('"status": "ok"', '"status": "edited"'))
    elapsed = wait_for(lambda: health_status(base) == "edited", 3.0, "the edited controller")
    print(f"reload picked up the edit in {elapsed:.2f} s")


def test_dev_survives_a_syntax_error_and_reloads_after_the_fix(
    dev_server: tuple[str, Path],
) -> None:
    base, project = dev_server
    home = project / "app" / "api" / "home.py"
    good = home.read_text()
    home.write_text(good + "\ndef broken(:\n")
    wait_for(lambda: "SyntaxError" in (project / "dev.log").read_text(), 10, "the error")
    home.write_text(good.replace('"status": "ok"', '"status": "fixed"'))
    wait_for(lambda: health_status(base) == "fixed", 10, "the fixed controller")
