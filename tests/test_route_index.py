"""The quick matcher for paths with arguments always agrees with werkzeug's matcher."""

import itertools
import uuid

import pytest

from pyjolt.exceptions import MethodNotAllowed, NotFound
from pyjolt.exceptions.redirects import RoutingRedirect
from pyjolt.route_index import static_prefix
from pyjolt.routing import Router

RULES = [
    ("/users/<int:user_id>", ["GET", "DELETE"]),
    ("/users/<string:name>", ["GET"]),
    ("/users/me", ["POST"]),
    ("/users/<int:user_id>/posts/<int(fixed_digits=3):post_id>", ["GET"]),
    ("/files/<path:rest>", ["GET"]),
    ("/files/<path:rest>/raw", ["GET"]),
    ("/items/<uuid:item_id>", ["PUT"]),
    ("/prices/<float:amount>", ["GET"]),
    ("/signed/<int(signed=True):n>", ["GET"]),
    ("/range/<int(min=1, max=9):n>", ["GET"]),
    ("/img-<name>.png", ["GET"]),
    ("/slash/<name>/", ["GET"]),
    ("/<lang>/about", ["GET"]),
]
PATHS = [
    "/users/42",
    "/users/ada",
    "/users/me",
    "/users/42/",
    "/users//42",
    "/users/-1",
    "/users/42/posts/007",
    "/users/42/posts/7",
    "/users/42/posts/1234",
    "/files/a",
    "/files/a/b/c",
    "/files/a/b/raw",
    "/files/",
    f"/items/{uuid.UUID(int=7)}",
    "/items/not-a-uuid",
    "/prices/1.5",
    "/prices/1",
    "/signed/-3",
    "/signed/3",
    "/range/0",
    "/range/5",
    "/range/10",
    "/img-cat.png",
    "/img-.png",
    "/slash/x",
    "/slash/x/",
    "/en/about",
    "/en/about/",
    "/nope",
    "/",
]
METHODS = ["GET", "HEAD", "POST", "PUT", "DELETE"]


class FakeEndpoint:
    def __init__(self, name: str) -> None:
        self.name = name


def outcome(router: Router, path: str, method: str, *, quick: bool) -> tuple:
    if not quick:
        router._dynamic._by_prefix.clear()  # werkzeug alone
    try:
        endpoint, values = router.match(path, method)
    except RoutingRedirect as exc:
        return ("redirect", exc.location)
    except MethodNotAllowed as exc:
        return ("405", tuple(exc.allowed_methods))
    except NotFound:
        return ("404",)
    return (endpoint.name, values)


def build(strict_slashes: bool) -> Router:
    router = Router(strict_slashes=strict_slashes)
    for index, (url, methods) in enumerate(RULES):
        router.add(url, methods, f"rule{index}", FakeEndpoint(f"rule{index}"))  # type: ignore[arg-type]
    return router


@pytest.mark.parametrize("strict_slashes", [False, True])
def test_quick_matches_equal_werkzeug_matches(strict_slashes):
    quick, plain = build(strict_slashes), build(strict_slashes)
    for path, method in itertools.product(PATHS, METHODS):
        expected = outcome(plain, path, method, quick=False)
        assert outcome(quick, path, method, quick=True) == expected, (path, method)


def test_the_quick_path_answers_the_common_case_itself():
    router = build(strict_slashes=False)
    assert router._dynamic.match("/users/42/posts/007", "GET") is not None
    assert router._dynamic.match("/users/42", "GET") is None  # int and string rules both fit


@pytest.mark.parametrize(
    ("url", "prefix"),
    [
        ("/users/<int:id>", "/users/"),
        ("/img-<name>.png", "/"),
        ("/<lang>/about", "/"),
        ("/a/b/<x>/c/<y>", "/a/b/"),
    ],
)
def test_static_prefix_ends_at_the_last_slash_before_the_first_argument(url, prefix):
    assert static_prefix(url) == prefix
