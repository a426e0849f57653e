"""Static files: serving, validators and 304s, ranges, HEAD, path safety and streaming."""

from __future__ import annotations

import os
import sys
import tracemalloc
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from werkzeug.http import http_date

from pyjolt import ConfigError, NotFound, PyJolt, Request, Response, app_path
from pyjolt.exceptions import ExceptionHandler, handles
from pyjolt.static import MAX_RANGES, find_static_file
from pyjolt.testing import PyJoltTestClient

SECRET = b"TOP-SECRET-CONTENT"
DIGITS = b"0123456789"
DATA = bytes(range(256)) * 4  # 1024 bytes, enough for MAX_RANGES + 1 disjoint ranges
MTIME = 1_700_000_000  # a fixed modification time, so dates are predictable

posix_only = pytest.mark.skipif(sys.platform == "win32", reason="needs POSIX file names")


@pytest.fixture
def static_dir(tmp_path: Path) -> Path:
    """``tmp_path/static`` with a few files, and a secret file next to (outside) it."""
    (tmp_path / "secret.txt").write_bytes(SECRET)
    folder = tmp_path / "static"
    (folder / "sub").mkdir(parents=True)
    (folder / "digits.txt").write_bytes(DIGITS)
    (folder / "data.bin").write_bytes(DATA)
    (folder / "sub" / "nested.txt").write_bytes(b"nested")
    for file in (folder / "digits.txt", folder / "data.bin"):
        os.utime(file, (MTIME, MTIME))
    return folder


@pytest.fixture
async def client(make_app: Any, static_dir: Path) -> AsyncIterator[PyJoltTestClient]:
    async with PyJoltTestClient(make_app()) as test_client:
        yield test_client


@dataclass
class RawResponse:
    status: int = 0
    headers: dict[str, str] = field(default_factory=dict)
    body: bytearray = field(default_factory=bytearray)
    body_length: int = 0
    body_messages: int = 0


async def asgi_request(
    application: PyJolt, raw_path: str, keep_body: bool = True, method: str = "GET"
) -> RawResponse:
    """Call the ASGI app as a server would, with the path exactly as given.

    httpx removes ``..`` segments client-side and its ASGI transport keeps the whole body
    in memory; a server does neither, so these tests speak ASGI directly.
    """
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": method,
        "scheme": "http",
        "path": raw_path,
        "raw_path": raw_path.encode(),
        "query_string": b"",
        "root_path": "",
        "headers": [(b"host", b"testserver")],
        "client": ("127.0.0.1", 50000),
        "server": ("testserver", 80),
    }
    result = RawResponse()

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: Any) -> None:
        if message["type"] == "http.response.start":
            result.status = message["status"]
            result.headers = {k.decode(): v.decode() for k, v in message["headers"]}
        else:
            result.body_messages += 1
            result.body_length += len(message.get("body", b""))
            if keep_body:
                result.body += message.get("body", b"")

    await application(scope, receive, send)
    return result


# --- serving ----------------------------------------------------------------------------
async def test_serves_a_file_from_the_static_folder(client: PyJoltTestClient) -> None:
    response = await client.get("/static/digits.txt")
    assert response.status_code == 200
    assert response.content == DIGITS


async def test_serves_a_file_from_a_subfolder(client: PyJoltTestClient) -> None:
    response = await client.get("/static/sub/nested.txt")
    assert response.status_code == 200
    assert response.content == b"nested"


@pytest.mark.parametrize(
    ("name", "content_type"),
    [
        ("image.png", "image/png"),
        ("style.css", "text/css; charset=utf-8"),
        ("page.html", "text/html; charset=utf-8"),
        ("data.json", "application/json"),
        ("backup.tar.gz", "application/gzip"),
        ("blob.unknownext", "application/octet-stream"),
    ],
)
async def test_content_type_follows_the_extension(
    client: PyJoltTestClient, static_dir: Path, name: str, content_type: str
) -> None:
    (static_dir / name).write_bytes(b"x")
    response = await client.get(f"/static/{name}")
    assert response.headers["content-type"] == content_type


async def test_compressed_file_is_not_sent_with_content_encoding(
    client: PyJoltTestClient, static_dir: Path
) -> None:
    (static_dir / "backup.tar.gz").write_bytes(b"\x1f\x8b")
    response = await client.get("/static/backup.tar.gz")
    assert "content-encoding" not in response.headers


async def test_content_length_is_the_file_size(client: PyJoltTestClient) -> None:
    response = await client.get("/static/data.bin")
    assert response.headers["content-length"] == str(len(DATA))


async def test_announces_byte_ranges(client: PyJoltTestClient) -> None:
    response = await client.get("/static/digits.txt")
    assert response.headers["accept-ranges"] == "bytes"


async def test_forbids_content_sniffing(client: PyJoltTestClient) -> None:
    response = await client.get("/static/digits.txt")
    assert response.headers["x-content-type-options"] == "nosniff"


async def test_sends_last_modified_from_the_file(client: PyJoltTestClient) -> None:
    response = await client.get("/static/digits.txt")
    assert response.headers["last-modified"] == http_date(MTIME)


async def test_sends_a_strong_quoted_etag(client: PyJoltTestClient) -> None:
    etag = (await client.get("/static/digits.txt")).headers["etag"]
    assert etag.startswith('"') and etag.endswith('"') and len(etag) > 2


async def test_etag_changes_when_the_file_changes(
    client: PyJoltTestClient, static_dir: Path
) -> None:
    before = (await client.get("/static/digits.txt")).headers["etag"]
    (static_dir / "digits.txt").write_bytes(DIGITS + b"!")
    after = (await client.get("/static/digits.txt")).headers["etag"]
    assert before != after


async def test_asks_clients_to_revalidate(client: PyJoltTestClient) -> None:
    response = await client.get("/static/digits.txt")
    assert response.headers["cache-control"] == "no-cache"


async def test_url_for_builds_the_static_url(make_app: Any, static_dir: Path) -> None:
    application = make_app()
    assert application.url_for("Static.get", filename="img/a.png") == "/static/img/a.png"


async def test_url_for_honours_the_app_path_prefix(make_app: Any, static_dir: Path) -> None:
    @app_path("/api")
    class PrefixedApp(PyJolt):
        pass

    application = make_app(app_class=PrefixedApp)
    url = application.url_for("Static.get", filename="sub/nested.txt")
    assert url == "/api/static/sub/nested.txt"
    async with PyJoltTestClient(application) as test_client:
        assert (await test_client.get(url)).content == b"nested"


async def test_static_url_and_folder_come_from_the_config(make_app: Any, tmp_path: Path) -> None:
    (tmp_path / "public").mkdir()
    (tmp_path / "public" / "app.js").write_bytes(b"run()")
    application = make_app(STATIC_URL="/assets", STATIC_DIR="/public")
    assert application.url_for("Static.get", filename="app.js") == "/assets/app.js"
    async with PyJoltTestClient(application) as test_client:
        assert (await test_client.get("/assets/app.js")).content == b"run()"


async def test_static_url_without_leading_slash_is_a_config_error(make_app: Any) -> None:
    with pytest.raises(ConfigError, match="STATIC_URL"):
        make_app(STATIC_URL="assets")


async def test_other_methods_are_not_allowed(client: PyJoltTestClient) -> None:
    response = await client.post("/static/digits.txt")
    assert response.status_code == 405


# --- missing files -----------------------------------------------------------------------
async def test_missing_file_answers_404(client: PyJoltTestClient) -> None:
    response = await client.get("/static/nope.txt")
    assert response.status_code == 404


async def test_directory_answers_404(client: PyJoltTestClient) -> None:
    response = await client.get("/static/sub")
    assert response.status_code == 404


async def test_missing_static_folder_answers_404(make_app: Any) -> None:
    async with PyJoltTestClient(make_app()) as test_client:
        assert (await test_client.get("/static/digits.txt")).status_code == 404


class NotFoundPage(ExceptionHandler):
    @handles(NotFound)
    async def not_found(self, req: Request, exc: NotFound) -> Response:
        return req.response.text("custom missing page").status(404)


async def test_missing_file_goes_through_the_users_not_found_handler(
    make_app: Any, static_dir: Path
) -> None:
    async with PyJoltTestClient(make_app(handlers=[NotFoundPage])) as test_client:
        response = await test_client.get("/static/nope.txt")
    assert response.status_code == 404
    assert response.text == "custom missing page"


# --- conditional requests ----------------------------------------------------------------
async def test_matching_if_none_match_answers_304_without_body(client: PyJoltTestClient) -> None:
    etag = (await client.get("/static/digits.txt")).headers["etag"]
    response = await client.get("/static/digits.txt", headers={"If-None-Match": etag})
    assert response.status_code == 304
    assert response.content == b""
    assert response.headers["etag"] == etag


async def test_weak_if_none_match_answers_304(client: PyJoltTestClient) -> None:
    etag = (await client.get("/static/digits.txt")).headers["etag"]
    response = await client.get("/static/digits.txt", headers={"If-None-Match": f"W/{etag}"})
    assert response.status_code == 304


async def test_other_if_none_match_answers_200(client: PyJoltTestClient) -> None:
    response = await client.get("/static/digits.txt", headers={"If-None-Match": '"other"'})
    assert response.status_code == 200
    assert response.content == DIGITS


async def test_if_modified_since_unchanged_answers_304(client: PyJoltTestClient) -> None:
    headers = {"If-Modified-Since": http_date(MTIME)}
    response = await client.get("/static/digits.txt", headers=headers)
    assert response.status_code == 304


async def test_if_modified_since_older_answers_200(client: PyJoltTestClient) -> None:
    headers = {"If-Modified-Since": http_date(MTIME - 3600)}
    response = await client.get("/static/digits.txt", headers=headers)
    assert response.status_code == 200


async def test_if_none_match_takes_precedence_over_if_modified_since(
    client: PyJoltTestClient,
) -> None:
    headers = {"If-None-Match": '"other"', "If-Modified-Since": http_date(MTIME + 3600)}
    response = await client.get("/static/digits.txt", headers=headers)
    assert response.status_code == 200


# --- ranges ------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("range_header", "body", "content_range"),
    [
        ("bytes=0-3", b"0123", "bytes 0-3/10"),
        ("bytes=4-", b"456789", "bytes 4-9/10"),
        ("bytes=-3", b"789", "bytes 7-9/10"),
        ("bytes=8-999", b"89", "bytes 8-9/10"),
        ("bytes=-999", DIGITS, "bytes 0-9/10"),
        ("bytes=0-3,999-", b"0123", "bytes 0-3/10"),
    ],
)
async def test_single_range_answers_206(
    client: PyJoltTestClient, range_header: str, body: bytes, content_range: str
) -> None:
    response = await client.get("/static/digits.txt", headers={"Range": range_header})
    assert response.status_code == 206
    assert response.content == body
    assert response.headers["content-range"] == content_range
    assert response.headers["content-length"] == str(len(body))


async def test_range_across_chunks_sends_the_right_bytes(
    client: PyJoltTestClient, static_dir: Path
) -> None:
    content = os.urandom(300 * 1024)
    (static_dir / "big.bin").write_bytes(content)
    response = await client.get("/static/big.bin", headers={"Range": "bytes=60000-200000"})
    assert response.status_code == 206
    assert response.content == content[60000:200001]


async def test_several_ranges_answer_the_whole_file(client: PyJoltTestClient) -> None:
    response = await client.get("/static/digits.txt", headers={"Range": "bytes=0-1,5-6"})
    assert response.status_code == 200
    assert response.content == DIGITS
    assert "content-range" not in response.headers


def disjoint_ranges(count: int) -> str:
    return "bytes=" + ",".join(f"{2 * i}-{2 * i}" for i in range(count))


async def test_up_to_max_ranges_are_accepted(client: PyJoltTestClient) -> None:
    response = await client.get("/static/data.bin", headers={"Range": disjoint_ranges(MAX_RANGES)})
    assert response.status_code == 200


async def test_more_than_max_ranges_answer_416(client: PyJoltTestClient) -> None:
    headers = {"Range": disjoint_ranges(MAX_RANGES + 1)}
    response = await client.get("/static/data.bin", headers=headers)
    assert response.status_code == 416
    assert response.headers["content-range"] == f"bytes */{len(DATA)}"


@pytest.mark.parametrize(
    "range_header",
    ["bytes=10-", "bytes=100-200", "bytes=abc", "bytes=5-2", "bytes=", "bytes=-0", "bytes=3-1,0-1"],
)
async def test_unsatisfiable_or_malformed_range_answers_416(
    client: PyJoltTestClient, range_header: str
) -> None:
    response = await client.get("/static/digits.txt", headers={"Range": range_header})
    assert response.status_code == 416
    assert response.headers["content-range"] == "bytes */10"
    assert DIGITS not in response.content


async def test_range_on_an_empty_file_answers_416(
    client: PyJoltTestClient, static_dir: Path
) -> None:
    (static_dir / "empty.txt").write_bytes(b"")
    response = await client.get("/static/empty.txt", headers={"Range": "bytes=0-"})
    assert response.status_code == 416
    assert response.headers["content-range"] == "bytes */0"


async def test_empty_file_is_served(client: PyJoltTestClient, static_dir: Path) -> None:
    (static_dir / "empty.txt").write_bytes(b"")
    response = await client.get("/static/empty.txt")
    assert response.status_code == 200
    assert response.headers["content-length"] == "0"


async def test_other_range_units_are_ignored(client: PyJoltTestClient) -> None:
    response = await client.get("/static/digits.txt", headers={"Range": "items=0-1"})
    assert response.status_code == 200
    assert response.content == DIGITS


async def test_if_range_with_the_current_etag_honours_the_range(
    client: PyJoltTestClient,
) -> None:
    etag = (await client.get("/static/digits.txt")).headers["etag"]
    headers = {"Range": "bytes=0-1", "If-Range": etag}
    response = await client.get("/static/digits.txt", headers=headers)
    assert response.status_code == 206
    assert response.content == b"01"


async def test_if_range_with_another_etag_sends_the_whole_file(client: PyJoltTestClient) -> None:
    headers = {"Range": "bytes=0-1", "If-Range": '"stale"'}
    response = await client.get("/static/digits.txt", headers=headers)
    assert response.status_code == 200
    assert response.content == DIGITS


async def test_if_range_with_a_weak_etag_sends_the_whole_file(client: PyJoltTestClient) -> None:
    etag = (await client.get("/static/digits.txt")).headers["etag"]
    headers = {"Range": "bytes=0-1", "If-Range": f"W/{etag}"}
    response = await client.get("/static/digits.txt", headers=headers)
    assert response.status_code == 200


async def test_if_range_with_the_last_modified_date_honours_the_range(
    client: PyJoltTestClient,
) -> None:
    headers = {"Range": "bytes=0-1", "If-Range": http_date(MTIME)}
    response = await client.get("/static/digits.txt", headers=headers)
    assert response.status_code == 206


async def test_if_range_with_another_date_sends_the_whole_file(client: PyJoltTestClient) -> None:
    headers = {"Range": "bytes=0-1", "If-Range": http_date(MTIME + 3600)}
    response = await client.get("/static/digits.txt", headers=headers)
    assert response.status_code == 200
    assert response.content == DIGITS


# --- HEAD --------------------------------------------------------------------------------
async def test_head_sends_the_headers_without_a_body(client: PyJoltTestClient) -> None:
    response = await client.head("/static/data.bin")
    assert response.status_code == 200
    assert response.headers["content-length"] == str(len(DATA))
    assert "etag" in response.headers
    assert response.content == b""


async def test_head_with_a_range_answers_206_without_a_body(client: PyJoltTestClient) -> None:
    response = await client.head("/static/digits.txt", headers={"Range": "bytes=2-5"})
    assert response.status_code == 206
    assert response.headers["content-length"] == "4"
    assert response.content == b""


async def test_head_of_a_missing_file_answers_404(client: PyJoltTestClient) -> None:
    response = await client.head("/static/nope.txt")
    assert response.status_code == 404


# --- path safety -------------------------------------------------------------------------
@pytest.mark.parametrize(
    "url",
    [
        "/static/%2e%2e/secret.txt",
        "/static/%2E%2E/secret.txt",
        "/static/%2e%2e%2fsecret.txt",
        "/static/..%2fsecret.txt",
        "/static/sub/%2e%2e/%2e%2e/secret.txt",
        "/static/sub%2f..%2f..%2fsecret.txt",
        "/static/..%5csecret.txt",
        "/static/sub%5c..%5c..%5csecret.txt",
        "/static/%5c%5cserver%5cshare%5csecret.txt",
        "/static/C:%5csecret.txt",
        "/static/C:/secret.txt",
        "/static/digits.txt%00",
        "/static/digits.txt%00.png",
        "/static/%00",
    ],
)
async def test_encoded_traversal_answers_404(client: PyJoltTestClient, url: str) -> None:
    response = await client.get(url)
    assert response.status_code == 404
    assert SECRET not in response.content


@pytest.mark.parametrize(
    "raw_path",
    [
        "/static/../secret.txt",
        "/static/sub/../../secret.txt",
        "/static/./../secret.txt",
        "/static/sub/../digits.txt",
    ],
)
async def test_literal_dot_segments_answer_404(
    make_app: Any, static_dir: Path, raw_path: str
) -> None:
    response = await asgi_request(make_app(), raw_path)
    assert response.status == 404
    assert SECRET not in response.body


async def test_absolute_path_never_serves_the_file(
    client: PyJoltTestClient, tmp_path: Path
) -> None:
    # "/static//tmp/.../secret.txt": the router merges the slashes (a redirect that stays
    # under /static), so the file outside is never reached.
    url = "/static/" + quote(str(tmp_path / "secret.txt"), safe="")
    response = await client.get(url, follow_redirects=True)
    assert response.status_code == 404
    assert SECRET not in response.content


@pytest.mark.parametrize(
    "filename",
    [
        "SECRET_ABSOLUTE",
        "../secret.txt",
        "sub/../../secret.txt",
        "sub/../digits.txt",
        "..\\secret.txt",
        "C:/secret.txt",
        "c:secret.txt",
        "\\\\server\\share\\secret.txt",
        "digits.txt\x00",
        "",
    ],
)
def test_find_static_file_refuses_unsafe_names(static_dir: Path, filename: str) -> None:
    if filename == "SECRET_ABSOLUTE":
        filename = str(static_dir.parent / "secret.txt")
    assert find_static_file(os.path.realpath(static_dir), filename) is None


def test_find_static_file_finds_a_safe_name(static_dir: Path) -> None:
    found = find_static_file(os.path.realpath(static_dir), "sub/nested.txt")
    assert found is not None and found.size == len(b"nested")


@posix_only
@pytest.mark.parametrize(
    ("on_disk", "url"),
    [
        ("..\\secret.txt", "/static/..%5csecret.txt"),
        ("C:/secret.txt", "/static/C:/secret.txt"),
        ("c:secret.txt", "/static/c:secret.txt"),
    ],
)
async def test_windows_style_names_are_refused_even_when_such_a_file_exists(
    client: PyJoltTestClient, static_dir: Path, on_disk: str, url: str
) -> None:
    target = static_dir / on_disk
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(SECRET)
    response = await client.get(url)
    assert response.status_code == 404
    assert SECRET not in response.content


@posix_only
async def test_symlink_to_a_file_outside_answers_404(
    client: PyJoltTestClient, static_dir: Path
) -> None:
    (static_dir / "link.txt").symlink_to(static_dir.parent / "secret.txt")
    response = await client.get("/static/link.txt")
    assert response.status_code == 404
    assert SECRET not in response.content


@posix_only
async def test_symlink_to_a_folder_outside_answers_404(
    client: PyJoltTestClient, static_dir: Path
) -> None:
    (static_dir / "outside").symlink_to(static_dir.parent, target_is_directory=True)
    response = await client.get("/static/outside/secret.txt")
    assert response.status_code == 404
    assert SECRET not in response.content


@posix_only
async def test_symlink_staying_inside_is_served(client: PyJoltTestClient, static_dir: Path) -> None:
    (static_dir / "alias.txt").symlink_to(static_dir / "sub" / "nested.txt")
    response = await client.get("/static/alias.txt")
    assert response.status_code == 200
    assert response.content == b"nested"


@posix_only
async def test_static_folder_may_itself_be_a_symlink(make_app: Any, tmp_path: Path) -> None:
    (tmp_path / "real_assets").mkdir()
    (tmp_path / "real_assets" / "a.txt").write_bytes(b"a")
    (tmp_path / "static").symlink_to(tmp_path / "real_assets", target_is_directory=True)
    async with PyJoltTestClient(make_app()) as test_client:
        assert (await test_client.get("/static/a.txt")).content == b"a"


# --- streaming ---------------------------------------------------------------------------
async def test_large_file_streams_with_flat_memory(make_app: Any, static_dir: Path) -> None:
    size = 50 * 1024 * 1024
    with open(static_dir / "large.bin", "wb") as file:
        file.truncate(size)  # sparse: no disk space, reads as zeros
    application = make_app()
    application.build()
    tracemalloc.start()
    try:
        response = await asgi_request(application, "/static/large.bin", keep_body=False)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert response.status == 200
    assert response.body_length == size
    assert response.body_messages > 1
    assert peak < 10 * 1024 * 1024, f"peak traced memory {peak} bytes"
