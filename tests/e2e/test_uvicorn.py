"""A SPEC-style project served by a real ``uvicorn app:Application --factory`` process."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import jwt
import pytest

from pyjolt import BaseConfig

APPS = Path(__file__).parent / "apps"
STARTUP_TIMEOUT = 30.0
STOP_TIMEOUT = 15.0


@dataclass
class Server:
    process: subprocess.Popen[bytes]
    base_url: str
    stdout_path: Path
    stderr_path: Path

    @property
    def stdout(self) -> str:
        return self.stdout_path.read_text(encoding="utf-8", errors="replace")

    @property
    def stderr(self) -> str:
        return self.stderr_path.read_text(encoding="utf-8", errors="replace")


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def copy_project(name: str, destination: Path) -> Path:
    """Copy ``tests/e2e/apps/<name>`` (its ``app`` package) into ``destination``."""
    shutil.copytree(APPS / name, destination, dirs_exist_ok=True)
    return destination


def server_environment() -> dict[str, str]:
    """The current environment minus config keys a developer's shell may export."""
    env = {k: v for k, v in os.environ.items() if k not in BaseConfig.model_fields}
    env["PYTHONUNBUFFERED"] = "1"
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    return env


def start_uvicorn(project: Path) -> Server:
    port = free_port()
    stdout_path, stderr_path = project / "uvicorn.out", project / "uvicorn.err"
    with stdout_path.open("wb") as out, stderr_path.open("wb") as err:
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "uvicorn",
                "app:Application",
                "--factory",
                "--host",
                "127.0.0.1",
                "--port",
                str(port),
            ],
            cwd=project,
            stdout=out,
            stderr=err,
            env=server_environment(),
        )
    return Server(process, f"http://127.0.0.1:{port}", stdout_path, stderr_path)


def wait_until_serving(server: Server) -> None:
    deadline = time.monotonic() + STARTUP_TIMEOUT
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            pytest.fail(
                f"uvicorn exited with {server.process.returncode} before serving:\n{server.stderr}"
            )
        try:
            httpx.get(f"{server.base_url}/api/v1/users/status", timeout=1.0)
            return
        except httpx.TransportError:
            time.sleep(0.1)
    pytest.fail(f"uvicorn did not answer within {STARTUP_TIMEOUT}s:\n{server.stderr}")


def stop(server: Server) -> None:
    """Ask uvicorn to shut down (SIGTERM, as a process manager would); kill if it hangs."""
    if server.process.poll() is None:
        server.process.send_signal(signal.SIGTERM)
    try:
        server.process.wait(timeout=STOP_TIMEOUT)
    except subprocess.TimeoutExpired:
        server.process.kill()
        server.process.wait(timeout=STOP_TIMEOUT)


@pytest.fixture(scope="module")
def spec_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    project = copy_project("spec_project", tmp_path_factory.mktemp("spec_project"))
    server = start_uvicorn(project)
    try:
        wait_until_serving(server)
        yield server
    finally:
        stop(server)


@pytest.fixture
def http(spec_server: Server) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=spec_server.base_url, timeout=10.0) as client:
        yield client


VALID_USER = {"email": "jane@example.com", "fullname": "Jane Doe"}


@pytest.mark.parametrize(
    ("method", "url", "kwargs", "status"),
    [
        ("GET", "/api/v1/users/1", {}, 200),
        ("HEAD", "/api/v1/users/1", {}, 200),
        ("GET", "/api/v1/users/0", {}, 404),
        ("GET", "/api/v1/users/5000", {}, 404),
        ("GET", "/api/v1/users/abc", {}, 404),
        ("GET", "/does/not/exist", {}, 404),
        ("DELETE", "/api/v1/users/1", {}, 405),
        ("PUT", "/api/v1/users/", {"json": VALID_USER}, 405),
        ("POST", "/api/v1/users/", {"json": VALID_USER}, 201),
        ("POST", "/api/v1/users", {"json": VALID_USER}, 201),
        (
            "POST",
            "/api/v1/users/",
            {"content": b'{"email": "a@b.c"}', "headers": {"content-type": "text/plain"}},
            415,
        ),
        ("POST", "/api/v1/users/", {"data": VALID_USER}, 415),
        ("POST", "/api/v1/users/", {"content": b"{}"}, 415),
        (
            "POST",
            "/api/v1/users/",
            {"content": b'{"email": ', "headers": {"content-type": "application/json"}},
            400,
        ),
        ("POST", "/api/v1/users/", {"json": {"email": "jane@example.com"}}, 422),
        ("POST", "/api/v1/users/", {"json": ["not", "an", "object"]}, 422),
        (
            "POST",
            "/api/v1/users/",
            {"json": {"email": "x@example.com", "fullname": "x" * 2048}},
            413,
        ),
        ("GET", "/api/v1/auth/login", {}, 303),
    ],
)
def test_spec_app_answers_with_status(
    http: httpx.Client, method: str, url: str, kwargs: dict[str, Any], status: int
) -> None:
    response = http.request(method, url, **kwargs)
    assert response.status_code == status, response.text


SPEC_SECRET = "46373hdnsfshf73462twvdngnghjdgsfd"
BAD_BODIES: list[dict[str, Any]] = [
    {},
    {"content": b"email=a", "headers": {"content-type": "text/plain"}},
    {"content": b'{"email": ', "headers": {"content-type": "application/json"}},
    {"json": {"email": "jane@example.com"}},
    {"json": VALID_USER},
]


def bearer(token: str) -> dict[str, str]:
    return {"authorization": f"Bearer {token}"}


@pytest.mark.parametrize("body", BAD_BODIES)
@pytest.mark.parametrize("credentials", [None, "forged", "expired"])
def test_authentication_is_checked_before_the_body(
    http: httpx.Client, body: dict[str, Any], credentials: str | None
) -> None:
    headers = dict(body.get("headers", {}))
    if credentials == "forged":
        headers.update(bearer("forged"))
    elif credentials == "expired":
        past = int(time.time()) - 60
        headers.update(bearer(jwt.encode({"sub": "1", "exp": past}, SPEC_SECRET, "HS256")))
    response = http.put("/api/v1/users/1", **{**body, "headers": headers})
    assert response.status_code == 401, response.text
    assert response.headers["www-authenticate"].startswith("Bearer")


@pytest.mark.parametrize(
    ("body", "status"), [(BAD_BODIES[0], 415), (BAD_BODIES[2], 400), (BAD_BODIES[4], 200)]
)
def test_authenticated_callers_reach_the_body_checks(
    http: httpx.Client, body: dict[str, Any], status: int
) -> None:
    token = jwt.encode({"sub": "1", "exp": int(time.time()) + 60}, SPEC_SECRET, "HS256")
    headers = {**body.get("headers", {}), **bearer(token)}
    response = http.put("/api/v1/users/1", **{**body, "headers": headers})
    assert response.status_code == status, response.text


def test_startup_hook_ran_before_serving(http: httpx.Client) -> None:
    assert http.get("/api/v1/users/status").json() == {"started": True}


def test_get_user_returns_json(http: httpx.Client) -> None:
    response = http.get("/api/v1/users/7")
    assert response.headers["content-type"].startswith("application/json")
    assert response.json() == {"id": 7, "fullname": "John Doe", "email": "johndoe@email.com"}


def test_head_has_no_body(http: httpx.Client) -> None:
    response = http.head("/api/v1/users/7")
    assert response.content == b""
    assert int(response.headers["content-length"]) == len(http.get("/api/v1/users/7").content)


def test_create_user_echoes_the_validated_body(http: httpx.Client) -> None:
    response = http.post("/api/v1/users/", json={**VALID_USER, "ignored": True})
    assert response.status_code == 201
    assert response.json() == VALID_USER


def test_abort_answers_with_its_message(http: httpx.Client) -> None:
    response = http.get("/api/v1/users/0")
    assert response.json() == {"status": "error", "message": "User with id 0 not found"}


def test_custom_exception_is_answered_by_the_exception_handler(http: httpx.Client) -> None:
    response = http.get("/api/v1/users/5000")
    assert response.json() == {"message": "No user 5000", "details": None}


def test_body_that_is_not_an_object_is_answered_by_the_spec_handler(
    http: httpx.Client,
) -> None:
    response = http.post("/api/v1/users/", json=["not", "an", "object"])
    assert response.json()["message"] == "Validation failed."
    assert list(response.json()["details"]) == ["body"]


def test_validation_error_is_answered_by_the_spec_handler(http: httpx.Client) -> None:
    response = http.post("/api/v1/users/", json={"email": "jane@example.com"})
    assert response.json() == {
        "message": "Validation failed.",
        "details": {"fullname": "Field required"},
    }


def test_method_not_allowed_lists_allowed_methods(http: httpx.Client) -> None:
    response = http.delete("/api/v1/users/1")
    assert response.headers["allow"] == "GET, HEAD, PUT"


def test_unsupported_media_type_names_the_expected_type(http: httpx.Client) -> None:
    response = http.post("/api/v1/users/", content=b"{}", headers={"content-type": "text/plain"})
    assert "application/json" in response.json()["message"]


def test_chunked_body_over_the_limit_is_413(http: httpx.Client) -> None:
    def chunks() -> Iterator[bytes]:
        yield b'{"email": "x@example.com", "fullname": "'
        for _ in range(4):
            yield b"x" * 512
        yield b'"}'

    response = http.post(
        "/api/v1/users/", content=chunks(), headers={"content-type": "application/json"}
    )
    assert response.status_code == 413


def test_redirect_points_at_url_for_target(http: httpx.Client) -> None:
    response = http.get("/api/v1/auth/login")
    assert response.headers["location"] == "/api/v1/users/1"
    followed = http.get("/api/v1/auth/login", follow_redirects=True)
    assert followed.status_code == 200
    assert followed.json()["id"] == 1


def test_shutdown_hook_runs_when_uvicorn_stops(tmp_path: Path) -> None:
    server = start_uvicorn(copy_project("spec_project", tmp_path))
    try:
        wait_until_serving(server)
        assert "Starting up..." in server.stdout
    finally:
        stop(server)
    # uvicorn re-raises the signal it handled once shut down, so -SIGTERM is a clean exit.
    assert server.process.returncode in (0, -signal.SIGTERM), server.stderr
    assert "Application shutdown complete" in server.stderr
    assert "Shuting down..." in server.stdout


def test_failing_startup_hook_makes_uvicorn_exit_non_zero(tmp_path: Path) -> None:
    server = start_uvicorn(copy_project("failing_startup", tmp_path))
    try:
        server.process.wait(timeout=STARTUP_TIMEOUT)
    except subprocess.TimeoutExpired:
        pytest.fail(f"uvicorn kept running although startup failed:\n{server.stderr}")
    finally:
        stop(server)
    assert server.process.returncode != 0
    assert "could not reach the database at db.internal:5432" in server.stderr
    assert "Application startup failed" in server.stderr
