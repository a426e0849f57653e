"""ALLOWED_HOSTS: other Host values answer 400 before routing; URLs only use allowed hosts."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from pyjolt import PyJolt, Request, Response
from pyjolt.caching import Cache
from pyjolt.controller import Controller, get, path
from pyjolt.hosts import AllowedHosts, AllowedHostsError
from pyjolt.routing import UrlBuildError
from pyjolt.testing import PyJoltTestClient

from .conftest import AppFactory


@path("/links")
class LinksApi(Controller):
    @get("/self")
    async def show(self, req: Request) -> Response:
        return req.response.json(
            {"url": req.url, "external": req.url_for("LinksApi.show", _external=True)}
        )


@pytest.mark.parametrize(
    ("host", "allowed"),
    [
        ("example.com", True),
        ("EXAMPLE.com", True),
        ("example.com:8443", True),
        ("example.com.", True),
        ("api.example.org", True),
        ("deep.api.example.org", True),
        ("example.org", True),
        ("a.shop.test", True),
        ("shop.test", False),
        ("evil.example", False),
        ("example.com.evil.example", False),
        ("notexample.com", False),
        ("example.com@evil.example", False),
        ("example.com/x", False),
        ("", False),
        ("[::1]:8000", False),
    ],
)
def test_host_patterns(host: str, allowed: bool) -> None:
    hosts = AllowedHosts(["example.com", ".example.org", "*.shop.test"])
    assert hosts.allows(host) is allowed


def test_the_first_plain_name_is_canonical() -> None:
    assert AllowedHosts([".example.org", "www.example.com", "example.com"]).canonical == (
        "www.example.com"
    )


@pytest.mark.parametrize("entry", ["http://example.com", "exa mple.com", "", "*", "example.com/"])
def test_bad_entries_are_refused_by_name(entry: str) -> None:
    if entry == "*":
        assert AllowedHosts([entry]).allows("anything.example")
        return
    with pytest.raises(AllowedHostsError, match="ALLOWED_HOSTS entry"):
        AllowedHosts([entry])


async def test_other_hosts_get_400_quietly(
    make_app: AppFactory, assert_quiet_log: Callable[[], None]
) -> None:
    app = make_app(LinksApi, ALLOWED_HOSTS=["example.com"])
    async with PyJoltTestClient(app, base_url="http://example.com") as client:
        assert (await client.get("/links/self")).status_code == 200
        refused = await client.get("/links/self", headers={"host": "evil.example"})
    assert refused.status_code == 400
    assert "evil.example" not in refused.text
    assert_quiet_log()


async def test_req_url_and_external_urls_use_the_allowed_host(make_app: AppFactory) -> None:
    app = make_app(LinksApi, ALLOWED_HOSTS=["example.com"])
    async with PyJoltTestClient(app, base_url="http://example.com:8080") as client:
        data = (await client.get("/links/self?x=1")).json()
    assert data == {
        "url": "http://example.com:8080/links/self?x=1",
        "external": "http://example.com:8080/links/self",
    }


async def test_unset_allows_every_host(make_app: AppFactory) -> None:
    app = make_app(LinksApi)
    async with PyJoltTestClient(app, base_url="http://anything.example") as client:
        assert (await client.get("/links/self")).json()["url"].startswith("http://anything")


async def test_a_forged_host_cannot_reach_the_cache(make_app: AppFactory) -> None:
    cache = Cache()
    calls: list[str] = []

    @path("/cached")
    class CachedApi(Controller):
        @get("/")
        @cache.cache
        async def show(self, req: Request) -> Response:
            calls.append(req.host)
            return req.response.json({"url": req.url})

    app = PyJolt({"DEBUG": False, "ALLOWED_HOSTS": ["example.com"]})
    cache.init_app(app)
    app.register_controller(CachedApi)
    async with PyJoltTestClient(app, base_url="http://example.com") as client:
        assert (await client.get("/cached/", headers={"host": "evil.example"})).status_code == 400
        assert (await client.get("/cached/")).json() == {"url": "http://example.com/cached/"}
        assert (await client.get("/cached/")).json() == {"url": "http://example.com/cached/"}
        assert len(cache.backend) == 1  # type: ignore[arg-type]
    assert calls == ["example.com"]


def test_app_url_for_external_uses_the_canonical_host(make_app: AppFactory) -> None:
    app = make_app(LinksApi, ALLOWED_HOSTS=[".example.org", "example.com"])
    assert app.url_for("LinksApi.show", _external=True) == "https://example.com/links/self"
    assert app.url_for("LinksApi.show") == "/links/self"


def test_app_url_for_external_without_allowed_hosts_says_what_to_set(
    make_app: AppFactory,
) -> None:
    with pytest.raises(UrlBuildError, match="set ALLOWED_HOSTS"):
        make_app(LinksApi).url_for("LinksApi.show", _external=True)


async def test_a_request_without_host_uses_the_canonical_host(make_app: AppFactory) -> None:
    app = make_app(LinksApi, ALLOWED_HOSTS=["example.com"])
    messages: list[dict[str, object]] = []
    scope = {
        "type": "http",
        "method": "GET",
        "path": "/links/self",
        "query_string": b"",
        "headers": [],
        "scheme": "http",
        "server": ("10.0.0.1", 80),
    }

    async def receive() -> dict[str, object]:
        return {"type": "http.request", "body": b""}

    async def send(message: dict[str, object]) -> None:
        messages.append(message)

    await app(scope, receive, send)
    assert messages[0]["status"] == 200
    assert b"http://example.com/links/self" in messages[1]["body"]  # type: ignore[operator]
