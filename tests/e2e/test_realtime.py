"""WebSockets and broadcast through real ``pyjolt run`` processes and the ``websockets`` client."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from websockets.exceptions import ConnectionClosed, InvalidStatus
from websockets.sync.client import ClientConnection, connect

from .helpers import terminate
from .test_uvicorn import free_port, server_environment

REPO = Path(__file__).resolve().parents[2]
STARTUP_TIMEOUT = 30.0

PROJECT = """
from pyjolt import PyJolt, app
from pyjolt.channels import Channels

from tests.websocket.apps import Config as SocketsConfig


class Config(SocketsConfig):
    CHANNELS_REDIS_URL: str | None = None
    CHANNELS_KEY_PREFIX: str = "pyjolt:channels:"
    CONTROLLERS: list[str] = [
        "tests.websocket.apps:SocketsApi",
        "tests.websocket.broadcast:RoomsApi",
    ]
    EXTENSIONS: list[str] = ["tests.websocket.apps:auth", "app:channels"]
    EXCEPTION_HANDLERS: list[str] = ["tests.websocket.apps:RefusalHandler"]
    MIDDLEWARE: list[str] = ["pyjolt.middleware:RequestIdMiddleware"]


channels = Channels()


@app(__name__, configs=Config)
class Application(PyJolt):
    pass
"""


@dataclass
class Server:
    process: subprocess.Popen[bytes]
    port: int
    log: Path

    @property
    def http(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def ws(self) -> str:
        return f"ws://127.0.0.1:{self.port}"

    @property
    def output(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")


def start(project: Path, env: dict[str, str]) -> Server:
    """``pyjolt run`` of the project on a free port, waiting until it answers."""
    port = free_port()
    log = project / f"server-{port}.log"
    environment = {**server_environment(), **env}
    environment["PYTHONPATH"] = os.pathsep.join(
        filter(None, [str(REPO), environment.get("PYTHONPATH")])
    )
    with log.open("wb") as out:
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "pyjolt.cli",
                "run",
                "--app",
                "app:Application",
                "--host",
                "127.0.0.1",
                "--port",
                str(port),
                # One process per server: the test's "workers" are the two servers.
                "--workers",
                "1",
            ],
            cwd=project,
            stdout=out,
            stderr=subprocess.STDOUT,
            env=environment,
        )
    server = Server(process, port, log)
    deadline = time.monotonic() + STARTUP_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"pyjolt run exited with {process.returncode}:\n{server.output}")
        try:
            httpx.get(f"{server.http}/ws/plain", timeout=1.0)
            return server
        except httpx.TransportError:
            time.sleep(0.1)
    stop(server)
    pytest.fail(f"pyjolt run did not answer within {STARTUP_TIMEOUT}s:\n{server.output}")


def stop(server: Server) -> None:
    terminate(server.process)


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("realtime_project")
    (root / "app").mkdir()
    (root / "app" / "__init__.py").write_text(textwrap.dedent(PROJECT))
    return root


@pytest.fixture(scope="module")
def server(project: Path) -> Iterator[Server]:
    running = start(project, {})
    try:
        yield running
    finally:
        stop(running)
    assert "Exception in ASGI application" not in running.output


def receive(ws: ClientConnection) -> str | bytes:
    return ws.recv(timeout=5)


def test_echo_round_trips_text_and_binary(server: Server) -> None:
    with connect(f"{server.ws}/ws/echo") as ws:
        ws.send("héllo")
        assert receive(ws) == "héllo"
        ws.send(b"\x00\x01\xff")
        assert receive(ws) == b"\x00\x01\xff"


def test_json_round_trip_with_a_route_parameter(server: Server) -> None:
    with connect(f"{server.ws}/ws/json/42?prefix=p") as ws:
        ws.send(json.dumps({"list": [1, 2]}))
        assert json.loads(receive(ws)) == {"number": 42, "prefix": "p", "got": {"list": [1, 2]}}


def test_a_model_validated_message(server: Server) -> None:
    with connect(f"{server.ws}/ws/chat") as ws:
        ws.send(json.dumps({"room": "a", "text": "hi"}))
        assert json.loads(receive(ws)) == {"room": "a", "text": "hi", "length": 3}
        ws.send(json.dumps({"room": "a", "text": "x" * 101}))
        assert receive(ws) == "invalid: ('text',)"


def test_auth_refuses_the_handshake_before_accept(server: Server) -> None:
    with pytest.raises(InvalidStatus) as refused:
        connect(f"{server.ws}/ws/private")
    assert refused.value.response.status_code == 401
    assert b"Login required" in refused.value.response.body
    session = httpx.post(f"{server.http}/ws/login/1").cookies["session"]
    with connect(
        f"{server.ws}/ws/private", additional_headers={"Cookie": f"session={session}"}
    ) as ws:
        assert json.loads(receive(ws)) == {"user": 1}


def test_a_foreign_origin_is_refused_and_the_own_origin_accepted(server: Server) -> None:
    with pytest.raises(InvalidStatus) as refused:
        connect(f"{server.ws}/ws/echo", origin="https://evil.example")  # type: ignore[arg-type]
    assert refused.value.response.status_code == 403
    own = f"http://127.0.0.1:{server.port}"
    with connect(f"{server.ws}/ws/echo", origin=own) as ws:  # type: ignore[arg-type]
        ws.send("same site")
        assert receive(ws) == "same site"


def test_an_oversized_message_closes_with_1009(server: Server) -> None:
    with connect(f"{server.ws}/ws/small") as ws:
        ws.send("a" * 17)
        with pytest.raises(ConnectionClosed) as closed:
            receive(ws)
    assert closed.value.rcvd is not None and closed.value.rcvd.code == 1009


def test_a_handler_exception_closes_with_1011_while_others_keep_working(server: Server) -> None:
    with connect(f"{server.ws}/ws/echo") as other, connect(f"{server.ws}/ws/crash") as doomed:
        doomed.send("boom")
        with pytest.raises(ConnectionClosed) as closed:
            receive(doomed)
        other.send("still here")
        assert receive(other) == "still here"
    assert closed.value.rcvd is not None and closed.value.rcvd.code == 1011
    assert httpx.get(f"{server.http}/ws/plain").text == "plain http"
    assert "RuntimeError: handler bug" in server.output


def test_an_idle_socket_is_closed_by_the_server_with_1001(server: Server) -> None:
    with connect(f"{server.ws}/ws/idle") as ws:
        ws.send("hi")
        assert receive(ws) == "hi"
        with pytest.raises(ConnectionClosed) as closed:
            receive(ws)
    assert closed.value.rcvd is not None and closed.value.rcvd.code == 1001


def test_request_id_middleware_applies_to_http_under_a_real_server(server: Server) -> None:
    response = httpx.get(f"{server.http}/ws/plain", headers={"X-Request-ID": "abc-1"})
    assert response.headers["x-request-id"] == "abc-1"


def test_a_broadcast_from_worker_a_reaches_a_socket_on_worker_b(project: Path) -> None:
    url = os.environ.get("PYJOLT_TEST_REDIS_URL")
    if not url:
        pytest.skip("PYJOLT_TEST_REDIS_URL is not set (e.g. redis://127.0.0.1:6379/0)")
    env = {"CHANNELS_REDIS_URL": url, "CHANNELS_KEY_PREFIX": f"pyjolt-test:{uuid.uuid4().hex}:"}
    worker_a = start(project, env)
    try:
        worker_b = start(project, env)
        try:
            with (
                connect(f"{worker_b.ws}/rooms/lobby") as on_b,
                connect(f"{worker_a.ws}/rooms/lobby") as on_a,
            ):
                assert json.loads(receive(on_b)) == {"joined": "lobby"}
                assert json.loads(receive(on_a)) == {"joined": "lobby"}
                posted = httpx.post(f"{worker_a.http}/rooms/lobby/messages", json={"text": "hi"})
                assert posted.json() == {"here": 1}  # one socket on worker A itself
                expected = {"from": "http", "text": "hi"}
                assert json.loads(receive(on_b)) == expected
                assert json.loads(receive(on_a)) == expected
                on_b.send("from b")
                assert json.loads(receive(on_a)) == {"from": "socket", "text": "from b"}
        finally:
            stop(worker_b)
    finally:
        stop(worker_a)
