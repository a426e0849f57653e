"""Streamed responses: Server-Sent Events framing, flushing, pings, disconnects, errors."""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from pyjolt import Request, Response
from pyjolt.controller import Controller, get, path
from pyjolt.middleware.compression import CompressionMiddleware
from pyjolt.streaming import ServerSentEvent, encode_event
from pyjolt.testing import PyJoltTestClient

from .threaded_server import served


@pytest.mark.parametrize(
    ("item", "wire"),
    [
        ("hello", b"data: hello\n\n"),
        ({"a": 1}, b'data: {"a":1}\n\n'),
        ([1, 2], b"data: [1,2]\n\n"),
        (b"raw", b"data: raw\n\n"),
        ("two\nlines", b"data: two\ndata: lines\n\n"),
        ("cr\rlf\r\nend", b"data: cr\ndata: lf\ndata: end\n\n"),
        ("x\n\nevent: forged", b"data: x\ndata: \ndata: event: forged\n\n"),
        (
            ServerSentEvent("d", event="delta", id="7", retry=1500),
            b"id: 7\nevent: delta\nretry: 1500\ndata: d\n\n",
        ),
        (ServerSentEvent(comment="keep\nalive"), b": keep\n: alive\n\n"),
    ],
)
def test_items_are_framed_as_server_sent_events(item: Any, wire: bytes) -> None:
    assert encode_event(item) == wire


@pytest.mark.parametrize("field", ["event", "id"])
def test_event_names_and_ids_with_line_breaks_are_refused(field: str) -> None:
    with pytest.raises(ValueError, match="one line"):
        ServerSentEvent("x", **{field: "a\nb"}).encode()


async def numbers(count: int) -> AsyncIterator[dict[str, int]]:
    for n in range(count):
        yield {"n": n}


@path("/events")
class EventsApi(Controller):
    @get("/")
    async def events(self, req: Request) -> Response:
        return req.response.stream(numbers(3))

    @get("/ndjson")
    async def ndjson(self, req: Request) -> Response:
        return req.response.stream(numbers(2), media_type="application/x-ndjson")


async def test_an_event_stream_has_its_headers_and_events_in_order(make_app: Any) -> None:
    async with PyJoltTestClient(make_app(EventsApi)) as client:
        response = await client.get("/events/")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/event-stream")
    assert response.headers["cache-control"] == "no-cache, no-transform"
    assert response.headers["x-accel-buffering"] == "no"
    assert "content-length" not in response.headers
    assert response.text == 'data: {"n":0}\n\ndata: {"n":1}\n\ndata: {"n":2}\n\n'


async def test_other_media_types_stream_raw_lines(make_app: Any) -> None:
    async with PyJoltTestClient(make_app(EventsApi)) as client:
        response = await client.get("/events/ndjson")
    assert response.headers["content-type"].startswith("application/x-ndjson")
    assert response.text == '{"n":0}\n{"n":1}\n'


async def test_compression_leaves_an_event_stream_alone(make_app: Any) -> None:
    app = make_app(EventsApi)
    app.add_middleware(CompressionMiddleware, minimum_size=1)
    async with PyJoltTestClient(app) as client:
        response = await client.get("/events/", headers={"Accept-Encoding": "gzip"})
    assert "content-encoding" not in response.headers
    assert response.text.startswith('data: {"n":0}')


async def test_head_sends_no_events_and_closes_the_source(make_app: Any) -> None:
    async def source() -> AsyncIterator[str]:
        yield "never"

    @path("/head")
    class HeadApi(Controller):
        @get("/")
        async def events(self, req: Request) -> Response:
            return req.response.stream(source())

    async with PyJoltTestClient(make_app(HeadApi)) as client:
        response = await client.head("/head/")
    assert response.status_code == 200
    assert response.content == b""


class Gate:
    """A producer the test steers from another thread: each event waits for a release."""

    def __init__(self) -> None:
        self.release = threading.Event()
        self.closed = threading.Event()
        self.produced = 0

    async def events(self) -> AsyncIterator[str]:
        try:
            yield "first"
            self.produced += 1
            while not self.release.is_set():
                await asyncio.sleep(0.01)
            yield "second"
            self.produced += 1
            await asyncio.sleep(30)  # a long upstream call the disconnect must cancel
            yield "never"
        finally:
            self.closed.set()


def gate_app(make_app: Any, gate: Gate, ping_interval: float | None = 15.0) -> Any:
    @path("/gate")
    class GateApi(Controller):
        @get("/")
        async def events(self, req: Request) -> Response:
            return req.response.stream(gate.events(), ping_interval=ping_interval)

    return make_app(GateApi)


def test_each_event_is_flushed_as_it_is_produced(make_app: Any) -> None:
    gate = Gate()
    with (
        served(gate_app(make_app, gate)) as url,
        httpx.stream("GET", f"{url}/gate/", timeout=5) as response,
    ):
        lines = response.iter_lines()
        assert next(lines) == "data: first"  # arrives while the producer is still held
        assert not gate.release.is_set()
        gate.release.set()
        assert next(lines) == ""
        assert next(lines) == "data: second"


def test_a_client_disconnect_cancels_and_closes_the_producer(make_app: Any) -> None:
    gate = Gate()
    gate.release.set()
    with served(gate_app(make_app, gate)) as url:
        with httpx.stream("GET", f"{url}/gate/", timeout=5) as response:
            lines = response.iter_lines()
            assert next(lines) == "data: first"
            assert next(lines) == ""
            assert next(lines) == "data: second"
        # The producer sleeps 30 s before its next event; leaving must end it at once.
        assert gate.closed.wait(5), "the producer was not closed after the disconnect"


def test_an_idle_stream_sends_ping_comments(make_app: Any) -> None:
    gate = Gate()
    with (
        served(gate_app(make_app, gate, ping_interval=0.05)) as url,
        httpx.stream("GET", f"{url}/gate/", timeout=5) as response,
    ):
        lines = response.iter_lines()
        assert next(lines) == "data: first"
        assert next(lines) == ""
        assert next(lines) == ": ping"
        gate.release.set()


async def test_a_failing_producer_ends_the_stream_with_an_error_event(
    make_app: Any, caplog: pytest.LogCaptureFixture
) -> None:
    async def failing() -> AsyncIterator[str]:
        yield "partial"
        raise RuntimeError("upstream broke")

    @path("/fail")
    class FailApi(Controller):
        @get("/")
        async def events(self, req: Request) -> Response:
            return req.response.stream(failing())

    async with PyJoltTestClient(make_app(FailApi)) as client:
        response = await client.get("/fail/")
    assert response.status_code == 200
    assert response.text == (
        'data: partial\n\nevent: error\ndata: {"status":500,"detail":"The stream failed"}\n\n'
    )
    assert any("producer of a streamed response failed" in r.message for r in caplog.records)


async def test_asgi_disconnect_message_closes_the_source(make_app: Any) -> None:
    closed = asyncio.Event()

    async def endless() -> AsyncIterator[str]:
        try:
            while True:
                yield "tick"
                await asyncio.sleep(0.01)
        finally:
            closed.set()

    @path("/endless")
    class EndlessApi(Controller):
        @get("/")
        async def events(self, req: Request) -> Response:
            return req.response.stream(endless())

    app = make_app(EndlessApi)
    sent: list[dict[str, Any]] = []
    disconnect_at = time.monotonic() + 0.1

    async def receive() -> dict[str, Any]:
        await asyncio.sleep(max(disconnect_at - time.monotonic(), 0))
        return {"type": "http.disconnect"}

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    scope = {
        "type": "http",
        "method": "GET",
        "path": "/endless/",
        "raw_path": b"/endless/",
        "query_string": b"",
        "headers": [(b"host", b"test")],
        "scheme": "http",
        "server": ("test", 80),
        "client": ("127.0.0.1", 1),
        "root_path": "",
        "http_version": "1.1",
    }
    await asyncio.wait_for(app(scope, receive, send), 5)
    assert closed.is_set()
    ticks = [m for m in sent if m.get("body") == b"data: tick\n\n"]
    assert ticks, "some events were sent before the disconnect"
