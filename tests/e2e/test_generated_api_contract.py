"""A generated project keeps its API contract against clients nobody here wrote.

One project per module: new-project, a resource with every field type (a unique field,
nullable ones, a unique nullable one) and auth. Its OpenAPI document is exported once,
and openapi-python-client generates a client from it. The project is then served by
``pyjolt run`` (a real uvicorn process) on SQLite and on a throwaway PostgreSQL database,
and against each server:

- the schemathesis CLI runs every check it has (``--checks all``) and must exit 0;
- the generated client, which raises on any status the document does not list, drives
  the product and auth endpoints (``client_scripts/shop_api_flow.py``).

The script using the client must also pass ``mypy --strict``, and the client's types must
refuse ``None`` for a field whose column cannot hold it.
"""

from __future__ import annotations

import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from pyjolt import BaseConfig

from .databases import POSTGRESQL, SQLITE, Backend, params

BIN = Path(sys.executable).parent
SCRIPTS = Path(__file__).parent / "client_scripts"
TIMEOUT = 300
STARTUP_TIMEOUT = 30.0

RESOURCE = [
    "products",
    "name:str!",
    "price:float",
    "description:text?",
    "stock:int",
    "in_stock:bool",
    "released:date?",
    "published_at:datetime?",
    "sku:uuid?!",
    "attributes:json?",
]

# Enough to reach every operation with valid and invalid data in each phase (examples,
# coverage, fuzzing, stateful) while a run takes about 15 s on two idle cores: login and
# register hash passwords with bcrypt, 0.2 s a request. The seed makes a failure repeatable.
SCHEMATHESIS_EXAMPLES = 15
SCHEMATHESIS_SEED = 20240517


def environment(**extra: str) -> dict[str, str]:
    """This interpreter's tools first on PATH; no app settings from the developer's shell."""
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in BaseConfig.model_fields and key not in {"PYTHONPATH", "MYPYPATH"}
    }
    env["PATH"] = f"{BIN}{os.pathsep}{env.get('PATH', '')}"
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    env.update(extra)
    return env


def run(*args: str | Path, cwd: Path, **extra_env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(arg) for arg in args],
        cwd=cwd,
        env=environment(**extra_env),
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
        check=False,
    )


def ok(result: subprocess.CompletedProcess[str]) -> subprocess.CompletedProcess[str]:
    assert result.returncode == 0, (
        f"{' '.join(result.args)} exited {result.returncode}\n"
        f"{result.stdout[-6000:]}\n{result.stderr[-6000:]}"
    )
    return result


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """new-project shop, a products resource with every field type, and auth."""
    parent = tmp_path_factory.mktemp("contract")
    ok(run(BIN / "pyjolt", "new-project", "shop", "--defaults", cwd=parent))
    root = parent / "shop"
    ok(run(BIN / "pyjolt", "generate", "resource", *RESOURCE, cwd=root))
    ok(run(BIN / "pyjolt", "generate", "auth", cwd=root))
    return root


@pytest.fixture(scope="module")
def client_folder(project: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """``pyjolt openapi export``, then openapi-python-client: the ``shop_client`` package."""
    folder = tmp_path_factory.mktemp("client")
    ok(run(BIN / "pyjolt", "openapi", "export", "--output", folder / "openapi.json", cwd=project))
    ok(
        run(
            BIN / "openapi-python-client",
            "generate",
            "--path",
            "openapi.json",
            "--meta",
            "none",
            "--output-path",
            "shop_client",
            "--fail-on-warning",
            cwd=folder,
        )
    )
    assert (folder / "shop_client" / "api" / "products").is_dir()
    return folder


# --- the served project ---------------------------------------------------------------------


@dataclass
class Server:
    base_url: str
    log: Path
    database: str

    def log_tail(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")[-6000:]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="module", params=params([SQLITE, POSTGRESQL]))
def server(
    request: pytest.FixtureRequest, project: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Server]:
    """``pyjolt run`` on a migrated database of its own, the document served as in production.

    PostgreSQL gets a database made for this module and dropped afterwards.
    """
    backend: Backend = request.param
    folder = tmp_path_factory.mktemp(f"serve-{backend.name}")
    with backend.fresh(folder) as settings:
        database = settings["DATABASE_URI"]
        ok(run(BIN / "pyjolt", "db", "upgrade", cwd=project, DATABASE_URI=database))
        yield from _serve(project, folder, database)


def _serve(project: Path, folder: Path, database: str) -> Iterator[Server]:
    port = free_port()
    log_path = folder / "server.log"
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            [str(BIN / "pyjolt"), "run", "--port", str(port)],
            cwd=project,
            env=environment(
                DATABASE_URI=database, OPEN_API_IN_PRODUCTION="true", PYTHONUNBUFFERED="1"
            ),
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    server = Server(f"http://127.0.0.1:{port}", log_path, database)
    try:
        _wait_until_serving(process, server)
        yield server
    finally:
        _stop(process)


def _wait_until_serving(process: subprocess.Popen[bytes], server: Server) -> None:
    deadline = time.monotonic() + STARTUP_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"pyjolt run exited with {process.returncode}:\n{server.log_tail()}")
        try:
            if httpx.get(f"{server.base_url}/health", timeout=1.0).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.1)
    pytest.fail(f"pyjolt run did not answer within {STARTUP_TIMEOUT} s:\n{server.log_tail()}")


def _stop(process: subprocess.Popen[bytes]) -> None:
    """SIGTERM to the server's own process group, as a process manager would; then kill."""
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=15)


def bearer_token(server: Server) -> str:
    """A token of a fresh user, through the generated register and login endpoints."""
    credentials = {"email": f"fuzz-{uuid.uuid4().hex[:10]}@example.com", "password": "x" * 12}
    with httpx.Client(base_url=server.base_url, timeout=10.0) as http:
        assert http.post("/api/v1/auth/register", json=credentials).status_code == 201
        login = http.post("/api/v1/auth/login", json=credentials)
        assert login.status_code == 200, login.text
        return str(login.json()["access_token"])


# --- the tests ------------------------------------------------------------------------------


def test_the_served_document_is_the_exported_one(server: Server, client_folder: Path) -> None:
    served = httpx.get(f"{server.base_url}/openapi/specs.json", timeout=10.0)
    assert served.status_code == 200
    exported = json.loads((client_folder / "openapi.json").read_text())
    assert served.json() == exported


def test_schemathesis_cli_finds_no_contract_violation(server: Server, tmp_path: Path) -> None:
    started = time.monotonic()
    result = run(
        BIN / "schemathesis",
        "run",
        f"{server.base_url}/openapi/specs.json",
        "--checks",
        "all",
        "--max-examples",
        str(SCHEMATHESIS_EXAMPLES),
        "--seed",
        str(SCHEMATHESIS_SEED),
        "--generation-database",
        "none",
        "--request-timeout",
        "10",
        "--header",
        f"Authorization: Bearer {bearer_token(server)}",
        "--no-color",
        cwd=tmp_path,
    )
    elapsed = time.monotonic() - started
    assert result.returncode == 0, (
        f"schemathesis exited {result.returncode} after {elapsed:.0f} s\n"
        f"{result.stdout[-12000:]}\n{result.stderr[-3000:]}\n--- server log ---\n"
        f"{server.log_tail()}"
    )
    summary = result.stdout
    document = httpx.get(f"{server.base_url}/openapi/specs.json", timeout=10.0).json()
    operations = sum(len(methods) for methods in document["paths"].values())
    assert f"Tested: {operations}" in summary, summary  # every operation was reached
    assert "No issues found" in summary, summary
    print(f"schemathesis on {server.database.split(':')[0]}: {elapsed:.1f} s")


def test_generated_client_drives_the_api(server: Server, client_folder: Path) -> None:
    result = run(
        sys.executable,
        SCRIPTS / "shop_api_flow.py",
        server.base_url,
        cwd=client_folder,
        PYTHONPATH=str(client_folder),
    )
    assert result.returncode == 0, (
        f"{result.stdout[-4000:]}\n{result.stderr[-8000:]}\n--- server log ---\n{server.log_tail()}"
    )
    assert "client flow passed" in result.stdout


# openapi-python-client's client.py is the same for every document, and forwards
# ``*args: object`` to httpx's typed ``__exit__``, which mypy --strict refuses; only that
# module is excused. The models and API functions built from our document are checked.
MYPY_CONFIG = """\
[mypy]
strict = True
cache_dir = {cache}

[mypy-shop_client.client]
ignore_errors = True
"""


@pytest.fixture(scope="module")
def mypy_errors(client_folder: Path) -> dict[str, list[str]]:
    """``mypy --strict`` on both scripts with the generated client: error lines by file."""
    config = client_folder / "mypy.ini"
    config.write_text(MYPY_CONFIG.format(cache=client_folder / ".mypy_cache"))
    result = run(
        BIN / "mypy",
        "--config-file",
        config,
        SCRIPTS / "shop_api_flow.py",
        SCRIPTS / "null_for_a_required_field.py",
        cwd=client_folder,
        MYPYPATH=str(client_folder),
    )
    assert result.returncode in {0, 1}, f"mypy crashed:\n{result.stdout}\n{result.stderr}"
    errors: dict[str, list[str]] = {}
    for line in result.stdout.splitlines():
        match = re.match(r"(?P<file>[^:]+):\d+: error: ", line)
        if match:
            errors.setdefault(Path(match["file"]).name, []).append(line)
    return errors


def test_the_script_using_the_client_is_strictly_typed(mypy_errors: dict[str, list[str]]) -> None:
    others = {
        name: lines for name, lines in mypy_errors.items() if name != "null_for_a_required_field.py"
    }
    assert others == {}


def test_the_client_types_refuse_null_for_a_required_field(
    mypy_errors: dict[str, list[str]],
) -> None:
    errors = mypy_errors.get("null_for_a_required_field.py", [])
    assert len(errors) == 1, errors
    assert 'Argument "name" to "ProductUpdate" has incompatible type "None"' in errors[0]
