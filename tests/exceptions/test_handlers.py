"""Exception handling: ExceptionHandler + @handles, MRO lookup, defaults, 404/405, 500s."""

import importlib
import logging
from typing import Any

import httpx
import pytest
from pydantic import BaseModel, ValidationError

import pyjolt
from pyjolt import (
    HttpStatus,
    InvalidHeaderError,
    MediaType,
    Request,
    Response,
    UnsafeRedirectError,
)
from pyjolt.controller import Controller, consumes, get, path, post, produces
from pyjolt.exceptions import (
    BaseHttpException,
    CustomException,
    ExceptionHandler,
    MethodNotAllowed,
    NotFound,
    handles,
)
from pyjolt.testing import PyJoltTestClient

# --- exceptions used by the tests -----------------------------------------------------


class ShopError(Exception):
    """Base of a small application exception tree."""


class OutOfStock(ShopError):
    pass


class DiscontinuedItem(OutOfStock):
    pass


class PaymentDeclined(ShopError):
    pass


class CouponExpired(Exception):
    pass


class CouponUnknown(Exception):
    pass


class Teapot(BaseHttpException):
    status_code = HttpStatus.IM_A_TEAPOT
    default_message = "I'm a teapot"


class EntityNotFound(CustomException):
    pass


class PlainError(Exception):
    pass


class Unhandled(Exception):
    pass


RAISABLE: dict[str, Exception] = {
    "shop": ShopError("shop"),
    "out-of-stock": OutOfStock("out"),
    "discontinued": DiscontinuedItem("gone"),
    "payment": PaymentDeclined("declined"),
    "coupon-expired": CouponExpired("expired"),
    "coupon-unknown": CouponUnknown("unknown"),
    "teapot": Teapot(),
    "teapot-with-message": Teapot("Short and stout", data={"spout": True}),
    "entity": EntityNotFound("User 7"),
    "plain": PlainError("plain"),
    "not-found": NotFound("No such user"),
    "unhandled": Unhandled("secret-detail-in-message"),
    "value": ValueError("bad value"),
    "unsafe-redirect": UnsafeRedirectError("Refusing to redirect to '//evil.com'"),
    "invalid-header": InvalidHeaderError("Header 'X-A' contains a CR, LF or NUL character"),
}


class ItemIn(BaseModel):
    name: str
    price: float


class ErrorResponse(BaseModel):
    message: str
    details: Any | None = None


@path("/e")
class ErrorsApi(Controller):
    @get("/raise/<name>")
    async def raise_named(self, req: Request, name: str) -> Response:
        raise RAISABLE[name]

    @get("/raise-under/<path:anything>")
    async def raise_under(self, req: Request, anything: str) -> Response:
        raise Unhandled("under a path")

    @get("/raise-after-building/<name>")
    async def raise_after_building(self, req: Request, name: str) -> Response:
        req.response.set_cookie("half", "built").set_header("X-Half", "built")
        req.response.json({"half": "built"}).status(HttpStatus.CREATED)
        raise RAISABLE[name]

    @get("/only-get")
    async def only_get(self, req: Request) -> Response:
        return req.response.json({})

    @get("/get-or-post")
    @post("/get-or-post")
    async def get_or_post(self, req: Request) -> Response:
        return req.response.json({})

    @post("/items")
    @consumes(MediaType.APPLICATION_JSON)
    @produces(MediaType.APPLICATION_JSON, status_code=HttpStatus.CREATED)
    async def create_item(self, req: Request, item: ItemIn) -> Response[ItemIn]:
        return req.response.json(item)


# --- exception handlers ---------------------------------------------------------------


class SpecHandler(ExceptionHandler):
    """The SPEC's example, verbatim in spirit."""

    @handles(ValidationError)
    async def validation_error(
        self, req: "Request", exc: ValidationError
    ) -> "Response[ErrorResponse]":
        details = {}
        if hasattr(exc, "errors"):
            for error in exc.errors():
                details[error["loc"][0]] = error["msg"]
        return req.response.json({"message": "Validation failed.", "details": details}).status(
            HttpStatus.UNPROCESSABLE_ENTITY
        )


class ShopHandler(ExceptionHandler):
    @handles(ShopError)
    async def shop_error(self, req: Request, exc: ShopError) -> Response:
        return req.response.json({"handler": "shop", "type": type(exc).__name__}).status(409)

    @handles(OutOfStock)
    async def out_of_stock(self, req: Request, exc: OutOfStock) -> Response:
        return req.response.json({"handler": "out_of_stock", "type": type(exc).__name__}).status(
            410
        )


class CouponHandler(ExceptionHandler):
    @handles(CouponExpired, CouponUnknown)
    async def coupon(self, req: Request, exc: Exception) -> Response:
        return req.response.json({"coupon": type(exc).__name__}).status(400)


class StackedHandler(ExceptionHandler):
    @handles(CouponExpired)
    @handles(CouponUnknown)
    async def coupon(self, req: Request, exc: Exception) -> Response:
        return req.response.json({"stacked": type(exc).__name__}).status(400)


class AppAwareHandler(ExceptionHandler):
    @handles(PlainError)
    async def plain(self, req: Request, exc: PlainError) -> Response:
        return req.response.json({"app_name": self.app.configs.APP_NAME}).status(400)


class DefaultStatusHandler(ExceptionHandler):
    """Handlers that do not set a status: the exception decides it."""

    @handles(Teapot, PlainError, ValidationError)
    async def no_status(self, req: Request, exc: Exception) -> Response:
        return req.response.json({"handled": type(exc).__name__})


class ReturnValuesHandler(ExceptionHandler):
    @handles(Teapot)
    async def returns_dict(self, req: Request, exc: Exception) -> dict[str, str]:
        return {"returned": "dict"}

    @handles(CouponUnknown)
    async def returns_none(self, req: Request, exc: Exception) -> None:
        req.response.json({"returned": "none"}).status(402)

    @handles(PlainError)
    def sync_handler(self, req: Request, exc: Exception) -> Response:
        return req.response.json({"returned": "sync"}).status(400)


class ModelFilteringHandler(ExceptionHandler):
    @handles(PlainError)
    async def plain(self, req: Request, exc: PlainError) -> Response[ErrorResponse]:
        return req.response.json(
            {"message": str(exc), "details": None, "stack": "internal"}
        ).status(400)


class CustomExceptionsHandler(ExceptionHandler):
    @handles(EntityNotFound)
    async def entity(self, req: Request, exc: EntityNotFound) -> Response:
        return req.response.json({"missing": str(exc)}).status(HttpStatus.NOT_FOUND)

    @handles(Teapot)
    async def teapot(self, req: Request, exc: Teapot) -> Response:
        return req.response.json({"teapot": exc.message}).status(exc.status_code)


class NotFoundHandler(ExceptionHandler):
    @handles(NotFound)
    async def not_found(self, req: Request, exc: NotFound) -> Response:
        return req.response.json({"custom_404": req.path}).status(404)


class MethodNotAllowedHandler(ExceptionHandler):
    @handles(MethodNotAllowed)
    async def not_allowed(self, req: Request, exc: MethodNotAllowed) -> Response:
        return req.response.json({"allowed": exc.allowed_methods}).status(405)


class CatchAllHandler(ExceptionHandler):
    @handles(Exception)
    async def anything(self, req: Request, exc: Exception) -> Response:
        return req.response.json({"caught": type(exc).__name__})


class RedirectRefusedHandler(ExceptionHandler):
    @handles(UnsafeRedirectError)
    async def refused(self, req: Request, exc: UnsafeRedirectError) -> Response:
        return req.response.redirect("/").status(HttpStatus.SEE_OTHER)


class FailingHandler(ExceptionHandler):
    @handles(PlainError)
    async def broken(self, req: Request, exc: PlainError) -> Response:
        raise RuntimeError("handler blew up: secret-handler-detail")


class DecliningHandler(ExceptionHandler):
    @handles(PlainError)
    async def decline(self, req: Request, exc: PlainError) -> Response:
        raise exc


async def fetch(
    make_app: Any,
    url: str,
    method: str = "GET",
    handlers: tuple[type[ExceptionHandler], ...] = (),
    **settings: Any,
) -> httpx.Response:
    app = make_app(ErrorsApi, handlers=list(handlers), **settings)
    async with PyJoltTestClient(app) as client:
        return await client.request(method, url)


# --- the SPEC's ValidationError handler -----------------------------------------------


async def test_spec_validation_handler_answers_invalid_bodies(make_app):
    app = make_app(ErrorsApi, handlers=[SpecHandler])
    async with PyJoltTestClient(app) as client:
        response = await client.post("/e/items", json={"name": "Pen", "price": "cheap"})
    assert response.status_code == 422
    body = response.json()
    assert body["message"] == "Validation failed."
    assert set(body["details"]) == {"price"}


async def test_spec_validation_handler_reports_missing_fields(make_app):
    app = make_app(ErrorsApi, handlers=[SpecHandler])
    async with PyJoltTestClient(app) as client:
        response = await client.post("/e/items", json={})
    assert response.status_code == 422
    assert set(response.json()["details"]) == {"name", "price"}


async def test_spec_validation_handler_leaves_valid_requests_alone(make_app):
    app = make_app(ErrorsApi, handlers=[SpecHandler])
    async with PyJoltTestClient(app) as client:
        response = await client.post("/e/items", json={"name": "Pen", "price": 1.5})
    assert response.status_code == 201
    assert response.json() == {"name": "Pen", "price": 1.5}


async def test_handler_registered_through_exception_handlers_config(make_app):
    app = make_app(ErrorsApi, EXCEPTION_HANDLERS=["tests.exceptions.test_handlers:SpecHandler"])
    async with PyJoltTestClient(app) as client:
        response = await client.post("/e/items", json={"name": "Pen"})
    assert response.status_code == 422
    assert response.json()["message"] == "Validation failed."


async def test_validation_error_without_handler_answers_default_422(make_app):
    async with PyJoltTestClient(make_app(ErrorsApi)) as client:
        response = await client.post("/e/items", json={"name": "Pen"})
    assert response.status_code == 422
    body = response.json()
    assert body["status"] == "error"
    assert [error["loc"] for error in body["errors"]] == [["price"]]


# --- choosing the handler along the MRO -----------------------------------------------


@pytest.mark.parametrize(
    ("name", "handler", "status"),
    [
        ("shop", "shop", 409),
        ("payment", "shop", 409),
        ("out-of-stock", "out_of_stock", 410),
        ("discontinued", "out_of_stock", 410),
    ],
)
async def test_most_specific_handler_along_the_mro_wins(make_app, name, handler, status):
    response = await fetch(make_app, f"/e/raise/{name}", handlers=(ShopHandler,))
    assert response.status_code == status
    assert response.json()["handler"] == handler


async def test_handler_receives_the_raised_exception_instance(make_app):
    response = await fetch(make_app, "/e/raise/discontinued", handlers=(ShopHandler,))
    assert response.json()["type"] == "DiscontinuedItem"


@pytest.mark.parametrize("name", ["coupon-expired", "coupon-unknown"])
@pytest.mark.parametrize("handler", [CouponHandler, StackedHandler])
async def test_one_method_handles_several_exceptions(make_app, name, handler):
    response = await fetch(make_app, f"/e/raise/{name}", handlers=(handler,))
    assert response.status_code == 400
    assert type(RAISABLE[name]).__name__ in response.json().values()


async def test_several_handler_classes_work_together(make_app):
    app = make_app(ErrorsApi, handlers=[ShopHandler, CouponHandler])
    async with PyJoltTestClient(app) as client:
        shop = await client.get("/e/raise/payment")
        coupon = await client.get("/e/raise/coupon-expired")
    assert shop.json()["handler"] == "shop"
    assert coupon.json() == {"coupon": "CouponExpired"}


async def test_handler_has_the_app_as_self_app(make_app):
    response = await fetch(
        make_app, "/e/raise/plain", handlers=(AppAwareHandler,), APP_NAME="Handler Shop"
    )
    assert response.json() == {"app_name": "Handler Shop"}


# --- handler responses ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "status"),
    [("teapot", 418), ("plain", 500)],
)
async def test_handler_default_status_comes_from_the_exception(make_app, name, status):
    response = await fetch(make_app, f"/e/raise/{name}", handlers=(DefaultStatusHandler,))
    assert response.status_code == status
    assert response.json() == {"handled": type(RAISABLE[name]).__name__}


async def test_handler_default_status_for_validation_error_is_422(make_app):
    app = make_app(ErrorsApi, handlers=[DefaultStatusHandler])
    async with PyJoltTestClient(app) as client:
        response = await client.post("/e/items", json={"name": "Pen"})
    assert response.status_code == 422
    assert response.json() == {"handled": "ValidationError"}


@pytest.mark.parametrize(
    ("name", "status", "body"),
    [
        ("teapot", 418, {"returned": "dict"}),
        ("coupon-unknown", 402, {"returned": "none"}),
        ("plain", 400, {"returned": "sync"}),
    ],
)
async def test_handler_may_return_dict_none_or_be_sync(make_app, name, status, body):
    response = await fetch(make_app, f"/e/raise/{name}", handlers=(ReturnValuesHandler,))
    assert response.status_code == status
    assert response.json() == body


async def test_handler_response_model_filters_the_body(make_app):
    response = await fetch(make_app, "/e/raise/plain", handlers=(ModelFilteringHandler,))
    assert response.status_code == 400
    assert response.json() == {"message": "plain", "details": None}


async def test_handler_response_does_not_carry_what_the_endpoint_had_built(make_app):
    response = await fetch(
        make_app, "/e/raise-after-building/coupon-expired", handlers=(CouponHandler,)
    )
    assert response.status_code == 400
    assert response.json() == {"coupon": "CouponExpired"}
    assert "set-cookie" not in response.headers
    assert "x-half" not in response.headers


async def test_handled_exceptions_are_answered_in_debug_mode_too(make_app):
    response = await fetch(make_app, "/e/raise/payment", handlers=(ShopHandler,), DEBUG=True)
    assert response.status_code == 409


# --- custom exceptions ----------------------------------------------------------------


async def test_base_http_exception_subclass_answers_its_status_and_message(make_app):
    response = await fetch(make_app, "/e/raise/teapot")
    assert response.status_code == 418
    assert response.headers["content-type"] == "application/json"
    assert response.json() == {"status": "error", "message": "I'm a teapot"}


async def test_base_http_exception_message_and_data_reach_the_body(make_app):
    response = await fetch(make_app, "/e/raise/teapot-with-message")
    assert response.status_code == 418
    assert response.json() == {
        "status": "error",
        "message": "Short and stout",
        "data": {"spout": True},
    }


@pytest.mark.parametrize(
    ("name", "status", "body"),
    [
        ("entity", 404, {"missing": "User 7"}),
        ("teapot", 418, {"teapot": "I'm a teapot"}),
    ],
)
async def test_custom_exceptions_are_handled_by_their_handler(make_app, name, status, body):
    response = await fetch(make_app, f"/e/raise/{name}", handlers=(CustomExceptionsHandler,))
    assert response.status_code == status
    assert response.json() == body


@pytest.mark.parametrize("name", ["entity", "plain"])
async def test_custom_exception_without_handler_answers_500(make_app, name):
    response = await fetch(make_app, f"/e/raise/{name}")
    assert response.status_code == 500
    assert response.json() == {"status": "error", "message": "Internal server error"}


def test_custom_exception_bases_are_exceptions():
    assert issubclass(BaseHttpException, Exception)
    assert issubclass(CustomException, Exception)
    assert not issubclass(CustomException, BaseHttpException)


# --- import paths -----------------------------------------------------------------------

EXCEPTION_NAMES = [
    "AborterException",
    "AuthenticationException",
    "BadRequest",
    "BaseHttpException",
    "CustomException",
    "ExceptionHandler",
    "HtmlAborterException",
    "MethodNotAllowed",
    "NotFound",
    "UnauthorizedException",
    "abort",
    "handles",
    "html_abort",
]


@pytest.mark.parametrize("name", EXCEPTION_NAMES)
def test_singular_and_plural_exception_modules_export_the_same_objects(name):
    singular = importlib.import_module("pyjolt.exception")
    plural = importlib.import_module("pyjolt.exceptions")
    assert getattr(singular, name) is getattr(plural, name)


def test_spec_import_line_from_singular_module_works():
    from pyjolt.exception import BaseHttpException as SingularBase
    from pyjolt.exception import CustomException as SingularCustom
    from pyjolt.exception import NotFound as SingularNotFound

    assert SingularBase is BaseHttpException
    assert SingularCustom is CustomException
    assert SingularNotFound is NotFound


@pytest.mark.parametrize(
    "name", ["BaseHttpException", "CustomException", "ExceptionHandler", "NotFound", "handles"]
)
def test_top_level_package_exports_the_same_exception_objects(name):
    assert getattr(pyjolt, name) is getattr(importlib.import_module("pyjolt.exceptions"), name)


async def test_handler_for_exception_from_singular_module_catches_framework_raises(make_app):
    from pyjolt.exception import NotFound as SingularNotFound

    class SingularHandler(ExceptionHandler):
        @handles(SingularNotFound)
        async def not_found(self, req: Request, exc: Exception) -> Response:
            return req.response.json({"singular": True}).status(404)

    response = await fetch(make_app, "/e/raise/not-found", handlers=(SingularHandler,))
    assert response.json() == {"singular": True}


# --- routing errors ---------------------------------------------------------------------


@pytest.mark.parametrize("url", ["/nope", "/e/nope", "/e/raise", "/e/only-get/extra"])
async def test_unknown_route_answers_404_json(make_app, url):
    response = await fetch(make_app, url)
    assert response.status_code == 404
    assert response.headers["content-type"] == "application/json"
    body = response.json()
    assert body["status"] == "error"
    assert isinstance(body["message"], str) and body["message"]


async def test_unknown_route_answers_404_in_debug_mode_too(make_app):
    response = await fetch(make_app, "/nope", DEBUG=True)
    assert response.status_code == 404
    assert response.json()["status"] == "error"


async def test_unknown_route_head_answers_404_without_body(make_app):
    response = await fetch(make_app, "/nope", method="HEAD")
    assert response.status_code == 404
    assert response.content == b""


@pytest.mark.parametrize("method", ["POST", "PUT", "PATCH", "DELETE"])
async def test_wrong_method_answers_405_json(make_app, method):
    response = await fetch(make_app, "/e/only-get", method=method)
    assert response.status_code == 405
    body = response.json()
    assert body["status"] == "error"
    assert isinstance(body["message"], str)


@pytest.mark.parametrize(
    ("url", "allowed"),
    [("/e/only-get", {"GET", "HEAD"}), ("/e/get-or-post", {"GET", "HEAD", "POST"})],
)
async def test_wrong_method_lists_allowed_methods_in_allow_header(make_app, url, allowed):
    response = await fetch(make_app, url, method="DELETE")
    assert response.status_code == 405
    assert {m.strip() for m in response.headers["allow"].split(",")} == allowed


async def test_user_not_found_handler_applies_to_unknown_routes(make_app):
    response = await fetch(make_app, "/no/such/page", handlers=(NotFoundHandler,))
    assert response.status_code == 404
    assert response.json() == {"custom_404": "/no/such/page"}


async def test_user_not_found_handler_applies_to_not_found_raised_by_endpoints(make_app):
    response = await fetch(make_app, "/e/raise/not-found", handlers=(NotFoundHandler,))
    assert response.json() == {"custom_404": "/e/raise/not-found"}


async def test_user_method_not_allowed_handler_applies_to_wrong_methods(make_app):
    response = await fetch(
        make_app, "/e/only-get", method="POST", handlers=(MethodNotAllowedHandler,)
    )
    assert response.status_code == 405
    assert response.json() == {"allowed": ["GET", "HEAD"]}


async def test_not_found_raised_by_endpoint_uses_its_message(make_app):
    response = await fetch(make_app, "/e/raise/not-found")
    assert response.status_code == 404
    assert response.json() == {"status": "error", "message": "No such user"}


@pytest.mark.parametrize("name", ["unsafe-redirect", "invalid-header"])
async def test_refused_redirect_and_header_answer_400_quietly_by_default(
    make_app, assert_quiet_log, name
):
    response = await fetch(make_app, f"/e/raise/{name}")
    assert response.status_code == 400
    assert response.json()["status"] == "error"
    assert "evil.com" not in response.text
    assert "X-A" not in response.text
    assert_quiet_log()


async def test_app_handler_replaces_the_default_refused_redirect_answer(make_app):
    response = await fetch(make_app, "/e/raise/unsafe-redirect", handlers=(RedirectRefusedHandler,))
    assert response.status_code == 303
    assert response.headers["location"] == "/"


# --- unhandled exceptions ---------------------------------------------------------------


INTERNAL_ERROR = {"status": "error", "message": "Internal server error"}


@pytest.mark.parametrize("name", ["unhandled", "value"])
async def test_unhandled_exception_answers_generic_500_in_production(make_app, name):
    response = await fetch(make_app, f"/e/raise/{name}")
    assert response.status_code == 500
    assert response.headers["content-type"] == "application/json"
    assert response.json() == INTERNAL_ERROR


async def test_unhandled_exception_never_reveals_details_in_the_body(make_app):
    response = await fetch(make_app, "/e/raise/unhandled")
    assert "secret-detail-in-message" not in response.text
    assert "Traceback" not in response.text
    assert "Unhandled" not in response.text


async def test_unhandled_exception_is_logged_with_its_traceback(make_app, caplog):
    with caplog.at_level(logging.ERROR):
        await fetch(make_app, "/e/raise/unhandled")
    logged = [r for r in caplog.records if r.levelno >= logging.ERROR and r.exc_info]
    assert logged, "the unhandled exception was not logged with exc_info"
    exc_type, _exc, traceback = logged[0].exc_info
    assert exc_type is Unhandled
    assert traceback is not None
    assert "raise_named" in caplog.text  # the frame that raised is in the logged traceback


async def test_unhandled_exception_log_line_quotes_the_path(make_app, caplog):
    with caplog.at_level(logging.ERROR):
        await fetch(make_app, "/e/raise-under/x%1B%5B2Jcleared")
    [record] = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert "\x1b" not in record.getMessage()
    assert "x\\x1b[2Jcleared" in record.getMessage()


async def test_unhandled_exception_drops_what_the_endpoint_had_built(make_app):
    response = await fetch(make_app, "/e/raise-after-building/unhandled")
    assert response.status_code == 500
    assert response.json() == INTERNAL_ERROR
    assert "set-cookie" not in response.headers
    assert "x-half" not in response.headers


async def test_unhandled_exception_propagates_in_debug_mode(make_app):
    app = make_app(ErrorsApi, DEBUG=True)
    async with PyJoltTestClient(app) as client:
        with pytest.raises(Unhandled, match="secret-detail-in-message"):
            await client.get("/e/raise/unhandled")


async def test_catch_all_exception_handler_replaces_the_generic_500(make_app):
    response = await fetch(make_app, "/e/raise/unhandled", handlers=(CatchAllHandler,))
    assert response.status_code == 500
    assert response.json() == {"caught": "Unhandled"}


async def test_catch_all_exception_handler_leaves_http_errors_to_their_defaults(make_app):
    response = await fetch(make_app, "/nope", handlers=(CatchAllHandler,))
    assert response.status_code == 404
    assert response.json()["status"] == "error"
    assert "caught" not in response.json()


@path("/slash")
class TrailingSlashApi(Controller):
    @get("/items/")
    async def items(self, req: Request) -> Response:
        return req.response.json({"items": []})


async def test_catch_all_exception_handler_keeps_trailing_slash_redirects(make_app):
    app = make_app(TrailingSlashApi, handlers=[CatchAllHandler], STRICT_SLASHES=True)
    async with PyJoltTestClient(app) as client:
        response = await client.get("/slash/items")
    assert response.status_code == 308
    assert response.headers["location"] == "/slash/items/"


async def test_catch_all_exception_handler_in_debug_mode_prevents_propagation(make_app):
    response = await fetch(make_app, "/e/raise/unhandled", handlers=(CatchAllHandler,), DEBUG=True)
    assert response.json() == {"caught": "Unhandled"}


# --- failing exception handlers ---------------------------------------------------------


async def test_exception_inside_exception_handler_answers_500(make_app):
    response = await fetch(make_app, "/e/raise/plain", handlers=(FailingHandler,))
    assert response.status_code == 500
    assert response.json() == INTERNAL_ERROR
    assert "secret-handler-detail" not in response.text


async def test_exception_inside_exception_handler_is_logged(make_app, caplog):
    with caplog.at_level(logging.ERROR):
        await fetch(make_app, "/e/raise/plain", handlers=(FailingHandler,))
    logged = [r for r in caplog.records if r.levelno >= logging.ERROR and r.exc_info]
    assert any(r.exc_info[0] is RuntimeError for r in logged)
    assert "FailingHandler.broken" in caplog.text


async def test_a_handler_re_raising_its_exception_leaves_it_unhandled(make_app, caplog):
    with caplog.at_level(logging.ERROR):
        response = await fetch(make_app, "/e/raise/plain", handlers=(DecliningHandler,))
    assert response.status_code == 500
    assert response.json() == INTERNAL_ERROR
    [record] = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert record.levelno == logging.CRITICAL
    assert record.getMessage().startswith("Unhandled exception")


async def test_a_declined_exception_propagates_in_debug_mode(make_app):
    app = make_app(ErrorsApi, handlers=[DecliningHandler], DEBUG=True)
    async with PyJoltTestClient(app) as client:
        with pytest.raises(PlainError):
            await client.get("/e/raise/plain")


async def test_exception_inside_exception_handler_propagates_in_debug_mode(make_app):
    app = make_app(ErrorsApi, handlers=[FailingHandler], DEBUG=True)
    async with PyJoltTestClient(app) as client:
        with pytest.raises(RuntimeError, match="handler blew up"):
            await client.get("/e/raise/plain")


async def test_unhandled_exception_is_logged_as_critical_like_the_spec_says(make_app, caplog):
    with caplog.at_level(logging.ERROR):
        await fetch(make_app, "/e/raise/unhandled")
    assert any(r.levelno == logging.CRITICAL and r.exc_info for r in caplog.records)
