"""The middleware PyJolt ships: request id, compression, security headers, trusted hosts."""

from __future__ import annotations

import gzip
import logging
from pathlib import Path
from typing import Any

import brotli
import pytest

from pyjolt import BaseConfig, PyJolt, Request, Response
from pyjolt.controller import Controller, get, path
from pyjolt.middleware import (
    CompressionMiddleware,
    GZipMiddleware,
    MiddlewareError,
    RequestIdLogFilter,
    RequestIdMiddleware,
    SecurityHeadersMiddleware,
    TrustedHostMiddleware,
)
from pyjolt.testing import PyJoltTestClient
from pyjolt.websocket import WebSocket, websocket
from pyjolt.websocket.testing import WebSocketDenied

logger = logging.getLogger("tests.middleware.bundled")
P = "pyjolt.middleware"
TEXT = "PyJolt " * 200  # 1400 bytes, compresses well


@path("")
class Api(Controller):
    @get("/text/<int:size>")
    async def text(self, req: Request, size: int) -> Response:
        logger.info("serving text")
        return req.response.text("a" * size).set_header("ETag", '"v1"')

    @get("/json")
    async def json(self, req: Request) -> Response:
        return req.response.json({"text": TEXT})

    @get("/png")
    async def png(self, req: Request) -> Response:
        return req.response.send_file(b"\x89PNG" + b"\x00" * 2000, media_type="image/png")

    @get("/file")
    async def file(self, req: Request) -> Response:
        return req.response.send_file(req.app.configs.resolve_path("big.txt"))

    @get("/encoded")
    async def encoded(self, req: Request) -> Response:
        return req.response.text(TEXT).set_header("Content-Encoding", "identity")

    @get("/framed")
    async def framed(self, req: Request) -> Response:
        return req.response.text("ok").set_header("X-Frame-Options", "SAMEORIGIN")

    @websocket("/ws")
    async def ws(self, ws: WebSocket) -> None:
        await ws.accept()
        await ws.send_text(ws.state.get("request_id", "none"))


def make(tmp_path: Path, middleware: list[str], **settings: Any) -> PyJolt:
    (tmp_path / "big.txt").write_text(TEXT)
    config = BaseConfig(
        DEBUG=False, OPEN_API=False, BASE_PATH=str(tmp_path), MIDDLEWARE=middleware, **settings
    )
    app = PyJolt(config)
    app.register_controller(Api)
    app.build()
    return app


# --- request id ---------------------------------------------------------------------------
async def test_each_request_gets_an_id_in_the_response_state_and_logs(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    caplog.handler.addFilter(RequestIdLogFilter())
    app = make(tmp_path, [f"{P}:RequestIdMiddleware"])
    async with PyJoltTestClient(app) as client:
        first = await client.get("/text/3")
        second = await client.get("/text/3")
    ids = [first.headers["x-request-id"], second.headers["x-request-id"]]
    assert len(set(ids)) == 2 and all(len(i) == 32 for i in ids)
    served = [r for r in caplog.records if r.getMessage() == "serving text"]
    assert [r.request_id for r in served] == ids  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("incoming", "kept"),
    [("abc-123.x:y", True), ("bad id with spaces", False), ("x" * 129, False), ("", False)],
)
async def test_a_well_formed_incoming_request_id_is_kept(
    tmp_path: Path, incoming: str, kept: bool
) -> None:
    app = make(tmp_path, [f"{P}:RequestIdMiddleware"])
    async with PyJoltTestClient(app) as client:
        response = await client.get("/text/3", headers={"X-Request-ID": incoming})
    assert (response.headers["x-request-id"] == incoming) is kept


async def test_the_request_id_is_set_for_websocket_handshakes(tmp_path: Path) -> None:
    app = make(tmp_path, [f"{P}:RequestIdMiddleware"])
    headers = {"x-request-id": "sock-1"}
    async with (
        PyJoltTestClient(app) as client,
        client.websocket_connect("/ws", headers=headers) as ws,
    ):
        assert await ws.receive_text() == "sock-1"


# --- compression ----------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("url", "accept", "encoding"),
    [
        ("/text/1000", "gzip", "gzip"),
        ("/text/499", "gzip", None),  # under COMPRESSION_MINIMUM_SIZE (500)
        ("/text/500", "gzip", "gzip"),  # at the threshold
        ("/json", "gzip, deflate", "gzip"),
        ("/json", "br;q=1.0, gzip;q=0.8", "br"),
        ("/json", "gzip;q=1.0, br;q=0.5", "gzip"),
        ("/json", "gzip;q=0", None),
        ("/json", "identity", None),
        ("/json", "*", "br"),
        ("/json", "", None),
        ("/png", "gzip", None),  # already compressed media
        ("/file", "gzip", None),  # streamed from disk
        ("/encoded", "gzip", None),  # already has a Content-Encoding
    ],
)
async def test_compression_only_where_it_helps(
    tmp_path: Path, url: str, accept: str, encoding: str | None
) -> None:
    app = make(tmp_path, [f"{P}:CompressionMiddleware"])
    async with PyJoltTestClient(app) as client:
        response = await client.get(url, headers={"Accept-Encoding": accept})
        raw = await client.get(url, headers={"Accept-Encoding": "identity"})
    assert response.status_code == 200
    assert response.headers.get("content-encoding", "identity") == (encoding or "identity")
    assert response.content == raw.content  # httpx decodes gzip, and br with brotli installed
    if encoding:
        assert int(response.headers["content-length"]) < len(raw.content)


async def test_compressed_responses_vary_on_accept_encoding_and_weaken_the_etag(
    tmp_path: Path,
) -> None:
    app = make(tmp_path, [f"{P}:GZipMiddleware"])
    async with PyJoltTestClient(app) as client:
        response = await client.get("/text/2000", headers={"Accept-Encoding": "br, gzip"})
    assert response.headers["content-encoding"] == "gzip"  # GZipMiddleware: never br
    assert response.headers["vary"] == "Accept-Encoding"
    assert response.headers["etag"] == 'W/"v1"'
    assert response.text == "a" * 2000


async def test_range_requests_of_static_files_are_never_compressed(tmp_path: Path) -> None:
    (tmp_path / "static").mkdir()
    (tmp_path / "static" / "site.css").write_text("body { color: red; }\n" * 200)
    app = make(tmp_path, [f"{P}:CompressionMiddleware"], COMPRESSION_MINIMUM_SIZE=10)
    async with PyJoltTestClient(app) as client:
        whole = await client.get("/static/site.css", headers={"Accept-Encoding": "gzip"})
        part = await client.get(
            "/static/site.css", headers={"Accept-Encoding": "gzip", "Range": "bytes=0-9"}
        )
    assert "content-encoding" not in whole.headers
    assert part.status_code == 206 and "content-encoding" not in part.headers
    assert part.content == b"body { col"


async def test_compressed_bytes_are_what_gzip_and_brotli_decode(tmp_path: Path) -> None:
    app = make(tmp_path, [f"{P}:CompressionMiddleware"])
    async with PyJoltTestClient(app) as client:
        for encoding, decode in (("gzip", gzip.decompress), ("br", brotli.decompress)):
            async with client.client.stream(
                "GET", "/text/1000", headers={"Accept-Encoding": encoding}
            ) as response:
                body = b"".join([chunk async for chunk in response.aiter_raw()])
            assert response.headers["content-encoding"] == encoding
            assert decode(body) == b"a" * 1000


def test_compression_options_can_be_given_to_add_middleware(tmp_path: Path) -> None:
    app = make(tmp_path, [])
    app.add_middleware(CompressionMiddleware, minimum_size=1, gzip_level=1)
    app.build()
    assert isinstance(CompressionMiddleware(app, minimum_size=1), CompressionMiddleware)
    assert GZipMiddleware(app).brotli is None


# --- security headers -------------------------------------------------------------------------
async def test_security_headers_defaults_and_hsts_only_over_https(tmp_path: Path) -> None:
    app = make(tmp_path, [f"{P}:SecurityHeadersMiddleware"])
    async with PyJoltTestClient(app) as client:
        plain = await client.get("/text/3")
    async with PyJoltTestClient(app, base_url="https://testserver") as client:
        secure = await client.get("/text/3")
    for response in (plain, secure):
        assert response.headers["x-content-type-options"] == "nosniff"
        assert response.headers["x-frame-options"] == "DENY"
        assert response.headers["referrer-policy"] == "strict-origin-when-cross-origin"
        assert "content-security-policy" not in response.headers
    assert "strict-transport-security" not in plain.headers
    assert secure.headers["strict-transport-security"] == "max-age=31536000; includeSubDomains"


async def test_security_headers_configured_and_never_replacing_the_endpoints_own(
    tmp_path: Path,
) -> None:
    app = make(
        tmp_path,
        [f"{P}:SecurityHeadersMiddleware"],
        SECURITY_CONTENT_SECURITY_POLICY="default-src 'self'",
        SECURITY_CSP_REPORT_ONLY=True,
        SECURITY_HSTS_PRELOAD=True,
        SECURITY_FRAME_OPTIONS=None,
    )
    async with PyJoltTestClient(app, base_url="https://testserver") as client:
        response = await client.get("/text/3")
        framed = await client.get("/framed")
    assert response.headers["content-security-policy-report-only"] == "default-src 'self'"
    assert "x-frame-options" not in response.headers
    assert response.headers["strict-transport-security"].endswith("; preload")
    assert framed.headers["x-frame-options"] == "SAMEORIGIN"
    mw = SecurityHeadersMiddleware(app, content_security_policy="img-src *", hsts_seconds=0)
    assert ("content-security-policy-report-only", "img-src *") in mw.headers and not mw.hsts


# --- trusted hosts ---------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("host", "status"),
    [
        ("example.com", 200),
        ("EXAMPLE.com:8080", 200),
        ("api.example.com", 200),
        ("deep.api.example.com", 200),
        ("evil.com", 400),
        ("example.com.evil.com", 400),
        ("notexample.com", 400),
        ("", 400),
    ],
)
async def test_trusted_hosts(tmp_path: Path, host: str, status: int) -> None:
    app = make(
        tmp_path,
        [f"{P}:TrustedHostMiddleware"],
        TRUSTED_HOSTS=["example.com", "*.example.com"],
    )
    async with PyJoltTestClient(app) as client:
        response = await client.get("/text/3", headers={"Host": host})
    assert response.status_code == status
    if status == 400:
        assert host not in response.text or not host


async def test_trusted_hosts_refuse_websocket_handshakes_too(tmp_path: Path) -> None:
    app = make(tmp_path, [f"{P}:TrustedHostMiddleware"], TRUSTED_HOSTS=["example.com"])
    async with PyJoltTestClient(app) as client:
        with pytest.raises(WebSocketDenied) as denied:
            async with client.websocket_connect("/ws"):
                pass
        async with client.websocket_connect("ws://example.com/ws") as ws:
            assert await ws.receive_text() == "none"
    assert denied.value.status == 400


def test_trusted_hosts_without_hosts_fails_the_build(tmp_path: Path) -> None:
    with pytest.raises(MiddlewareError, match="TRUSTED_HOSTS"):
        make(tmp_path, [f"{P}:TrustedHostMiddleware"])
    app = make(tmp_path, [])
    assert TrustedHostMiddleware(app, hosts=["*"]).any
    assert RequestIdMiddleware(app, header="X-Trace").header == "x-trace"
