"""A SPEC-style project served by a real ``uvicorn app:Application --factory`` process."""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import jwt
import pytest

from pyjolt import BaseConfig

from .helpers import terminate

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


def wait_until_serving(server: Server, status_path: str = "/api/v1/users/status") -> None:
    deadline = time.monotonic() + STARTUP_TIMEOUT
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            pytest.fail(
                f"uvicorn exited with {server.process.returncode} before serving:\n{server.stderr}"
            )
        try:
            httpx.get(f"{server.base_url}{status_path}", timeout=1.0)
            return
        except httpx.TransportError:
            time.sleep(0.1)
    pytest.fail(f"uvicorn did not answer within {STARTUP_TIMEOUT}s:\n{server.stderr}")


def stop(server: Server) -> None:
    """Ask uvicorn to shut down (SIGTERM, as a process manager would); kill if it hangs."""
    terminate(server.process, STOP_TIMEOUT)


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


# --- hostile input, sent as exact bytes -------------------------------------------------
# HTTP client libraries percent-encode paths and refuse some header bytes, so these
# requests are written to the socket as they are.


@dataclass
class RawResponse:
    status: int
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)


@pytest.fixture(scope="module")
def hostile_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    project = copy_project("hostile_input", tmp_path_factory.mktemp("hostile_input"))
    server = start_uvicorn(project)
    try:
        wait_until_serving(server, "/api/v1/status")
        yield server
    finally:
        stop(server)


def send_raw(server: Server, request: bytes) -> RawResponse:
    """Write ``request`` (which asks for ``Connection: close``) and read the whole answer."""
    host, port = server.base_url.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=10.0) as sock:
        sock.sendall(request)
        received = b""
        while chunk := sock.recv(65536):
            received += chunk
    head, _, body = received.partition(b"\r\n\r\n")
    status_line, *header_lines = head.decode("latin-1").split("\r\n")
    headers = {}
    for line in header_lines:
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    return RawResponse(int(status_line.split()[1]), headers, body)


def raw_request(
    method: str,
    target: bytes,
    headers: Sequence[bytes] = (),
    body: bytes = b"",
    host: bytes = b"127.0.0.1",
) -> bytes:
    lines = [method.encode() + b" " + target + b" HTTP/1.1", b"Host: " + host, *headers]
    if body or method == "POST":
        lines.append(b"Content-Length: " + str(len(body)).encode())
    lines.append(b"Connection: close")
    return b"\r\n".join(lines) + b"\r\n\r\n" + body


def json_post(target: bytes, body: bytes, content_type: bytes = b"application/json") -> bytes:
    return raw_request("POST", target, [b"Content-Type: " + content_type], body)


def multipart_upload(filename: bytes, boundary: bytes = b"hostile") -> bytes:
    body = (
        b"--" + boundary + b"\r\n"
        b'Content-Disposition: form-data; name="file"; filename="' + filename + b'"\r\n'
        b"Content-Type: text/plain\r\n\r\n"
        b"contents\r\n"
        b"--" + boundary + b"--\r\n"
    )
    content_type = b"multipart/form-data; boundary=" + boundary
    return raw_request("POST", b"/api/v1/uploads", [b"Content-Type: " + content_type], body)


LOUD_LOG_PREFIXES = ("ERROR", "CRITICAL", "Traceback")


def loud_lines(log: str) -> list[str]:
    return [line for line in log.splitlines() if line.lstrip().startswith(LOUD_LOG_PREFIXES)]


HOSTILE_REQUESTS = {
    "json-1e999": (json_post(b"/api/v1/products", b'{"name": "x", "price": 1e999}'), 400),
    "json-minus-1e999": (json_post(b"/api/v1/products", b'{"name": "x", "price": -1e999}'), 400),
    "json-1E400": (json_post(b"/api/v1/products", b'{"name": "x", "price": 1E400}'), 400),
    "multipart-boundary-of-300": (multipart_upload(b"a.txt", boundary=b"b" * 300), 400),
    "cookie-not-utf8": (
        raw_request("GET", b"/api/v1/profile", [b"Cookie: theme=dark; junk=\xff\xfe"]),
        200,
    ),
    "redirect-to-other-host": (raw_request("GET", b"/api/v1/login?next=//evil.com"), 400),
    "redirect-to-malformed-url": (raw_request("GET", b"/api/v1/login?next=http://["), 400),
    "crlf-in-header-value": (
        raw_request("GET", b"/api/v1/greeting?name=a%0D%0AX-Injected:%201"),
        400,
    ),
    "upload-named-dot-dot": (multipart_upload(b".."), 201),
    "upload-named-dot": (multipart_upload(b"."), 201),
    "markup-in-path": (raw_request("GET", b"/nowhere/<script>alert(1)</script>"), 404),
    "markup-in-content-type": (
        json_post(b"/api/v1/products", b"{}", b"text/<script>alert(1)</script>"),
        415,
    ),
}


@pytest.mark.parametrize(
    ("request_bytes", "status"), HOSTILE_REQUESTS.values(), ids=HOSTILE_REQUESTS.keys()
)
def test_hostile_request_is_answered_without_a_server_error(
    hostile_server: Server, request_bytes: bytes, status: int
) -> None:
    logged_before = len(hostile_server.stderr)
    response = send_raw(hostile_server, request_bytes)
    assert response.status == status, response.body
    assert loud_lines(hostile_server.stderr[logged_before:]) == []


def test_undecodable_cookie_leaves_the_others_readable(hostile_server: Server) -> None:
    request = raw_request("GET", b"/api/v1/profile", [b"Cookie: junk=\xc3\x28; theme=dark"])
    assert send_raw(hostile_server, request).json() == {"theme": "dark"}


def test_upload_named_dot_dot_is_saved_as_upload(hostile_server: Server) -> None:
    response = send_raw(hostile_server, multipart_upload(b".."))
    assert response.json() == {"filename": "upload"}


def test_markup_in_the_path_is_escaped_in_the_404_message(hostile_server: Server) -> None:
    response = send_raw(hostile_server, raw_request("GET", b"/nowhere/<script>alert(1)</script>"))
    assert response.json()["message"] == (
        "No route for '/nowhere/&lt;script&gt;alert(1)&lt;/script&gt;'"
    )


def test_refused_redirect_does_not_echo_the_target(hostile_server: Server) -> None:
    response = send_raw(hostile_server, raw_request("GET", b"/api/v1/login?next=//evil.com"))
    assert "location" not in response.headers
    assert b"evil.com" not in response.body


def test_forged_host_does_not_poison_the_cached_links(hostile_server: Server) -> None:
    real_host = hostile_server.base_url.removeprefix("http://").encode()
    forged = send_raw(hostile_server, raw_request("GET", b"/api/v1/links", host=b"evil.example"))
    real = send_raw(hostile_server, raw_request("GET", b"/api/v1/links", host=real_host))
    assert forged.json() == {"self": "http://evil.example/api/v1/links"}
    assert real.json() == {"self": f"{hostile_server.base_url}/api/v1/links"}
