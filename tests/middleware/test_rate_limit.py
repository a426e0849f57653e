"""Rate limiting: RateLimitMiddleware and @rate_limit, in memory and in Redis."""

from __future__ import annotations

import asyncio
import os
import uuid
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from pyjolt import BaseConfig, PyJolt, Request, Response
from pyjolt.auth import Authentication
from pyjolt.controller import Controller, get, path
from pyjolt.ratelimit import MemoryRateLimitBackend, RateLimit, RateLimitError, rate_limit
from pyjolt.testing import PyJoltTestClient
from pyjolt.websocket import WebSocket, websocket
from pyjolt.websocket.testing import WebSocketDenied

SECRET = "rate-limit-test-secret-key-long-enough-0123456789"


class HeaderAuth(Authentication):
    """The user is the ``X-User`` header (enough to tell users apart)."""

    async def user_loader(self, req: Request) -> dict[str, str] | None:
        name = req.headers.get("x-user")
        return {"id": name} if name else None


auth = HeaderAuth()


@path("")
class Api(Controller):
    @get("/open")
    async def open(self, req: Request) -> Response:
        return req.response.text("ok")

    @get("/mine")
    @auth.login_required
    @rate_limit("2/minute", key="user")
    async def mine(self, req: Request) -> Response:
        return req.response.text(f"ok {req.user['id']}")

    @websocket("/ws")
    async def ws(self, ws: WebSocket) -> None:
        await ws.accept()
        await ws.send_text("in")


@pytest.fixture(params=["memory", "redis"])
async def backend(request: pytest.FixtureRequest) -> AsyncIterator[dict[str, Any]]:
    if request.param == "memory":
        yield {}
        return
    url = os.environ.get("PYJOLT_TEST_REDIS_URL")
    if not url:
        pytest.skip("PYJOLT_TEST_REDIS_URL is not set (e.g. redis://127.0.0.1:6379/0)")
    prefix = f"pyjolt-test:{uuid.uuid4().hex}:"
    yield {"RATE_LIMIT_REDIS_URL": url, "RATE_LIMIT_KEY_PREFIX": prefix}
    import redis.asyncio as redis_asyncio

    client = redis_asyncio.Redis.from_url(url)
    keys = [key async for key in client.scan_iter(match=f"{prefix}*")]
    if keys:
        await client.delete(*keys)
    await client.aclose()


def make(tmp_path: Path, settings: dict[str, Any], middleware: bool = True, **more: Any) -> PyJolt:
    config = BaseConfig(
        DEBUG=False,
        OPEN_API=False,
        SECRET_KEY=SECRET,
        BASE_PATH=str(tmp_path),
        MIDDLEWARE=["pyjolt.middleware:RateLimitMiddleware"] if middleware else [],
        **settings,
        **more,
    )
    app = PyJolt(config)
    auth.init_app(app)
    app.register_controller(Api)
    app.build()
    return app


async def test_fixed_window_answers_429_with_retry_after(
    tmp_path: Path, backend: dict[str, Any]
) -> None:
    app = make(tmp_path, backend, RATE_LIMIT="3/minute")
    async with PyJoltTestClient(app) as client:
        statuses = [(await client.get("/open")).status_code for _ in range(3)]
        refused = await client.get("/open")
    assert statuses == [200, 200, 200]
    assert refused.status_code == 429
    assert 1 <= int(refused.headers["retry-after"]) <= 60
    assert refused.json() == {"status": "error", "message": "Too many requests"}


async def test_token_bucket_refills_over_time(tmp_path: Path, backend: dict[str, Any]) -> None:
    app = make(tmp_path, backend, RATE_LIMIT="4/second", RATE_LIMIT_STRATEGY="token-bucket")
    async with PyJoltTestClient(app) as client:
        burst = [(await client.get("/open")).status_code for _ in range(5)]
        await asyncio.sleep(0.3)  # about one token (4 per second)
        after = (await client.get("/open")).status_code
    assert burst == [200, 200, 200, 200, 429]
    assert after == 200


async def test_clients_are_counted_apart(tmp_path: Path, backend: dict[str, Any]) -> None:
    app = make(tmp_path, backend, RATE_LIMIT="1/minute")

    async def status_from(address: str) -> int:
        transport_app = app

        async def with_client(scope: Any, receive: Any, send: Any) -> None:
            scope["client"] = (address, 1234)
            await transport_app(scope, receive, send)

        import httpx

        transport = httpx.ASGITransport(app=with_client)
        async with httpx.AsyncClient(transport=transport, base_url="http://t") as http:
            return (await http.get("/open")).status_code

    async with PyJoltTestClient(app):
        results = [await status_from(ip) for ip in ("10.0.0.1", "10.0.0.2", "10.0.0.1")]
    assert results == [200, 200, 429]


async def test_websocket_handshakes_are_rate_limited_too(
    tmp_path: Path, backend: dict[str, Any]
) -> None:
    app = make(tmp_path, backend, RATE_LIMIT="1/minute")
    async with PyJoltTestClient(app) as client:
        async with client.websocket_connect("/ws") as ws:
            assert await ws.receive_text() == "in"
        with pytest.raises(WebSocketDenied) as denied:
            async with client.websocket_connect("/ws"):
                pass
    assert denied.value.status == 429
    assert "retry-after" in denied.value.headers


async def test_rate_limit_decorator_counts_per_user(
    tmp_path: Path, backend: dict[str, Any]
) -> None:
    app = make(tmp_path, backend, middleware=False)
    async with PyJoltTestClient(app) as client:
        ada = [(await client.get("/mine", headers={"x-user": "ada"})).status_code for _ in "abc"]
        bob = (await client.get("/mine", headers={"x-user": "bob"})).status_code
        anonymous = (await client.get("/mine")).status_code
    assert ada == [200, 200, 429]
    assert bob == 200
    assert anonymous == 401  # login_required runs first; nothing is counted


async def test_redis_down_fails_open_with_a_warning(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    app = make(tmp_path, {"RATE_LIMIT_REDIS_URL": "redis://127.0.0.1:1/0"}, RATE_LIMIT="1/minute")
    async with PyJoltTestClient(app) as client:
        statuses = [(await client.get("/open")).status_code for _ in range(3)]
    assert statuses == [200, 200, 200]
    warnings = [r for r in caplog.records if "Rate limits not enforced" in r.getMessage()]
    assert len(warnings) == 1
    assert "127.0.0.1:1" in warnings[0].getMessage()


@pytest.mark.parametrize(
    ("text", "limit", "period"),
    [("100/minute", 100, 60), ("10/second", 10, 1), ("5/15m", 5, 900), ("1000/days", 1000, 86400)],
)
def test_limits_parse(text: str, limit: int, period: float) -> None:
    assert RateLimit.parse(text) == RateLimit(limit, period)


@pytest.mark.parametrize("text", ["", "100", "0/minute", "ten/minute", "5/fortnight"])
def test_unreadable_limits_are_refused(text: str) -> None:
    with pytest.raises(RateLimitError, match="hits/period"):
        RateLimit.parse(text)


async def test_memory_backend_forgets_expired_windows() -> None:
    now = [0.0]
    backend = MemoryRateLimitBackend(clock=lambda: now[0])
    limit = RateLimit(1, 10)
    assert (await backend.hit("a", limit, "fixed-window")).allowed
    refused = await backend.hit("a", limit, "fixed-window")
    assert not refused.allowed and refused.retry_after == pytest.approx(10)
    now[0] = 10.0
    assert (await backend.hit("a", limit, "fixed-window")).allowed
    backend._sweep(now[0] + 100, limit)
    assert backend._windows == {}


def test_memory_counts_warn_when_several_workers_run(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setenv("WEB_CONCURRENCY", "2")
    make(tmp_path, {}, RATE_LIMIT="1/second")
    assert any("each worker counts apart" in r.getMessage() for r in caplog.records)
