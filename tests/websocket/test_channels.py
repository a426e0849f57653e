"""Channels: broadcasting to groups of sockets, in-process and through Redis."""

from __future__ import annotations

import os
import uuid
from collections.abc import AsyncIterator
from typing import Any

import pytest

from pyjolt import BaseConfig, PyJolt
from pyjolt.channels import Channels
from pyjolt.testing import PyJoltTestClient

from .broadcast import Config, RoomsApi, create_app


@pytest.fixture
async def redis_prefix() -> AsyncIterator[dict[str, Any]]:
    url = os.environ.get("PYJOLT_TEST_REDIS_URL")
    if not url:
        pytest.skip("PYJOLT_TEST_REDIS_URL is not set (e.g. redis://127.0.0.1:6379/0)")
    yield {"CHANNELS_REDIS_URL": url, "CHANNELS_KEY_PREFIX": f"pyjolt-test:{uuid.uuid4().hex}:"}


async def test_a_message_published_over_http_reaches_every_socket_in_the_room() -> None:
    app = create_app()
    async with (
        PyJoltTestClient(app) as client,
        client.websocket_connect("/rooms/lobby") as first,
        client.websocket_connect("/rooms/lobby") as second,
        client.websocket_connect("/rooms/other") as elsewhere,
    ):
        for ws in (first, second, elsewhere):
            await ws.receive_json()  # joined
        response = await client.post("/rooms/lobby/messages", json={"text": "hello"})
        assert response.json() == {"here": 2}
        expected = {"from": "http", "text": "hello"}
        assert await first.receive_json() == expected
        assert await second.receive_json() == expected
        await elsewhere.send_text("ping")
        assert await elsewhere.receive_json() == {"from": "socket", "text": "ping"}
        with pytest.raises(TimeoutError):
            await first.receive_json(timeout=0.1)


async def test_a_closed_socket_leaves_its_rooms() -> None:
    app = create_app()
    async with PyJoltTestClient(app) as client:
        async with client.websocket_connect("/rooms/lobby") as ws:
            await ws.receive_json()
            assert (await client.get("/rooms/lobby/size")).json() == {"here": 1}
        assert (await client.get("/rooms/lobby/size")).json() == {"here": 0}


async def test_str_bytes_and_data_are_sent_as_text_binary_and_json() -> None:
    app = create_app()
    async with PyJoltTestClient(app) as client, client.websocket_connect("/rooms/r") as ws:
        await ws.receive_json()
        await app.channels.publish("r", "plain")
        await app.channels.publish("r", b"\x01\x02")
        await app.channels.publish("r", {"n": 1})
        assert await ws.receive_text() == "plain"
        assert await ws.receive_bytes() == b"\x01\x02"
        assert await ws.receive_json() == {"n": 1}


def test_app_channels_is_made_in_process_when_no_extension_is_configured() -> None:
    app = PyJolt(BaseConfig(DEBUG=False))
    assert isinstance(app.channels, Channels)
    assert app.channels is app.channels
    assert app.channels.broadcast is None


async def test_a_broadcast_through_redis_reaches_a_socket_of_another_app_instance(
    redis_prefix: dict[str, Any],
) -> None:
    worker_a, worker_b = create_app(**redis_prefix), create_app(**redis_prefix)
    async with (
        PyJoltTestClient(worker_a) as client_a,
        PyJoltTestClient(worker_b) as client_b,
        client_b.websocket_connect("/rooms/shared") as on_b,
    ):
        await on_b.receive_json()
        response = await client_a.post("/rooms/shared/messages", json={"text": "from a"})
        assert response.json() == {"here": 0}  # no socket on worker A itself
        assert await on_b.receive_json() == {"from": "http", "text": "from a"}


async def test_without_a_channels_extension_the_default_one_broadcasts_through_redis(
    redis_prefix: dict[str, Any],
) -> None:
    # The default Channels exists from construction, so its Redis listener starts with
    # the app: a message published on one instance reaches the other's socket.
    workers = []
    for _ in range(2):
        application = PyJolt(Config(**redis_prefix))
        application.register_controller(RoomsApi)
        workers.append(application)
    worker_a, worker_b = workers
    async with (
        PyJoltTestClient(worker_a) as client_a,
        PyJoltTestClient(worker_b) as client_b,
        client_b.websocket_connect("/rooms/shared") as on_b,
    ):
        await on_b.receive_json()
        await client_a.post("/rooms/shared/messages", json={"text": "default"})
        assert await on_b.receive_json() == {"from": "http", "text": "default"}


async def test_a_default_channels_replaced_by_another_does_not_listen_too(
    redis_prefix: dict[str, Any],
) -> None:
    application = PyJolt(Config(**redis_prefix))
    default = application.channels
    replacement = Channels()
    replacement.init_app(application)
    assert application.channels is replacement
    async with PyJoltTestClient(application):
        assert replacement.broadcast is not None and replacement.broadcast._task is not None
        assert default.broadcast is not None and default.broadcast._task is None


async def test_publish_falls_back_to_local_sockets_when_redis_is_down(
    caplog: pytest.LogCaptureFixture,
) -> None:
    app = create_app(CHANNELS_REDIS_URL="redis://127.0.0.1:1/0")
    channels = app.channels
    assert channels.broadcast is not None
    async with (
        PyJoltTestClient(app, lifespan=False) as client,
        client.websocket_connect("/rooms/x") as ws,
    ):
        await ws.receive_json()
        await channels.publish("x", "still delivered here")
        assert await ws.receive_text() == "still delivered here"
    assert any("delivered to this worker's sockets only" in r.getMessage() for r in caplog.records)


def test_in_process_channels_warn_when_several_workers_run(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setenv("WEB_CONCURRENCY", "4")
    create_app()
    assert any("WEB_CONCURRENCY=4" in r.getMessage() for r in caplog.records)
    caplog.clear()
    monkeypatch.setenv("WEB_CONCURRENCY", "1")
    create_app()
    assert not caplog.records
