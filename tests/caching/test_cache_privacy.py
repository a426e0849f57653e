"""The cache never hands one user's response to another."""

from __future__ import annotations

from collections import Counter
from typing import Any

import pytest

from pyjolt import Request, Response
from pyjolt.auth import JWTAuthentication
from pyjolt.caching import Cache
from pyjolt.controller import Controller, get, path
from pyjolt.controller.endpoint import EndpointDefinitionError
from pyjolt.testing import PyJoltTestClient

SECRET = "cache-privacy-secret-key-long-enough-0123456789"
HERE = __name__

auth = JWTAuthentication()
cache = Cache()
calls: Counter[str] = Counter()


@path("/api")
class AccountApi(Controller):
    @get("/account")
    @auth.login_required
    @cache.cache(duration=60)
    async def account(self, req: Request) -> Response:
        calls["account"] += 1
        return req.response.json({"owner": req.user["sub"], "balance": 100})

    @get("/my-orders")
    @auth.login_required
    @cache.cache(duration=60, per_user=True)
    async def my_orders(self, req: Request) -> Response:
        calls["my_orders"] += 1
        return req.response.json({"owner": req.user["sub"], "call": calls["my_orders"]})

    @get("/greeting")
    @cache.cache(duration=60)
    async def greeting(self, req: Request) -> Response:
        calls["greeting"] += 1
        name = req.cookies.get("name", "stranger")
        return req.response.json({"hello": name})


@pytest.fixture(autouse=True)
def reset_calls() -> None:
    calls.clear()


@pytest.fixture
def application(make_app: Any, cache_settings: dict[str, Any]) -> Any:
    return make_app(
        AccountApi,
        SECRET_KEY=SECRET,
        EXTENSIONS=[f"{HERE}:auth", f"{HERE}:cache"],
        **cache_settings,
    )


def bearer(sub: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {auth.create_jwt_token({'sub': sub})}"}


async def test_user_a_private_response_is_never_served_to_user_b(application):
    async with PyJoltTestClient(application) as client:
        alice = await client.get("/api/account", headers=bearer("alice"))
        bob = await client.get("/api/account", headers=bearer("bob"))
        anonymous = await client.get("/api/account")
    assert alice.json()["owner"] == "alice"
    assert bob.json()["owner"] == "bob"
    assert anonymous.status_code == 401
    assert calls["account"] == 2


async def test_authenticated_requests_bypass_the_shared_cache(application):
    async with PyJoltTestClient(application) as client:
        await client.get("/api/account", headers=bearer("alice"))
        await client.get("/api/account", headers=bearer("alice"))
    assert calls["account"] == 2


async def test_per_user_entries_are_reused_for_their_user_only(application):
    async with PyJoltTestClient(application) as client:
        alice_first = await client.get("/api/my-orders", headers=bearer("alice"))
        bob_first = await client.get("/api/my-orders", headers=bearer("bob"))
        alice_again = await client.get("/api/my-orders", headers=bearer("alice"))
        bob_again = await client.get("/api/my-orders", headers=bearer("bob"))
    assert alice_again.json() == alice_first.json() == {"owner": "alice", "call": 1}
    assert bob_again.json() == bob_first.json() == {"owner": "bob", "call": 2}
    assert calls["my_orders"] == 2


async def test_per_user_entry_still_requires_login(application):
    async with PyJoltTestClient(application) as client:
        await client.get("/api/my-orders", headers=bearer("alice"))
        anonymous = await client.get("/api/my-orders")
    assert anonymous.status_code == 401


async def test_request_with_cookie_is_neither_served_nor_stored(application):
    async with PyJoltTestClient(application) as client:
        personal = await client.get("/api/greeting", headers={"cookie": "name=alice"})
        public = await client.get("/api/greeting")
        public_again = await client.get("/api/greeting")
        other = await client.get("/api/greeting", headers={"cookie": "name=bob"})
    assert personal.json() == {"hello": "alice"}
    assert public.json() == public_again.json() == {"hello": "stranger"}
    assert other.json() == {"hello": "bob"}
    assert calls["greeting"] == 3


# --- decorator order is checked when the app is built ----------------------------------------
def test_cache_above_login_required_fails_at_build(make_app):
    @path("/wrong")
    class WrongOrderApi(Controller):
        @get("/")
        @cache.cache()
        @auth.login_required
        async def handler(self, req: Request) -> Response:
            return req.response.json({})

    with pytest.raises(EndpointDefinitionError, match="bottom-most"):
        make_app(WrongOrderApi, SECRET_KEY=SECRET, EXTENSIONS=[f"{HERE}:auth", f"{HERE}:cache"])


def test_per_user_without_login_required_fails_at_build(make_app):
    @path("/wrong")
    class NoLoginApi(Controller):
        @get("/")
        @cache.cache(per_user=True)
        async def handler(self, req: Request) -> Response:
            return req.response.json({})

    with pytest.raises(EndpointDefinitionError, match="per_user"):
        make_app(NoLoginApi, SECRET_KEY=SECRET, EXTENSIONS=[f"{HERE}:auth", f"{HERE}:cache"])


def test_cache_missing_from_extensions_fails_at_build(make_app):
    with pytest.raises(EndpointDefinitionError, match="EXTENSIONS"):
        make_app(AccountApi, SECRET_KEY=SECRET, EXTENSIONS=[f"{HERE}:auth"])


@pytest.mark.parametrize("duration", [0, -1])
def test_non_positive_duration_is_refused(duration):
    with pytest.raises(ValueError, match="positive"):
        cache.cache(duration=duration)
