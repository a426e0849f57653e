"""Default exception handlers added by extensions: used unless the app handles the class."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

from pyjolt import BaseConfig, HttpStatus, PyJolt, Request, Response
from pyjolt.controller import Controller, get, path
from pyjolt.exceptions import ExceptionHandler, handles
from pyjolt.testing import PyJoltTestClient


class ShopClosed(Exception):
    pass


class ClosedForHolidays(ShopClosed):
    pass


async def shop_closed_response(req: Request, exc: BaseException) -> Response:
    return req.response.json({"status": "error", "message": "closed"}).status(
        HttpStatus.SERVICE_UNAVAILABLE
    )


class OpeningHours:
    """An extension that answers ShopClosed for the app."""

    def init_app(self, app: PyJolt) -> None:
        app.add_default_exception_handler(ShopClosed, shop_closed_response)


@path("/shop")
class ShopApi(Controller):
    @get("/closed")
    async def closed(self, req: Request) -> Response:
        raise ClosedForHolidays("back in January")


class OwnClosedAnswer(ExceptionHandler):
    @handles(ShopClosed)
    async def closed(self, req: Request, exc: ShopClosed) -> Response:
        return req.response.json({"message": "come back later"}).status(HttpStatus.OK)


class CatchAll(ExceptionHandler):
    @handles(Exception)
    async def anything(self, req: Request, exc: Exception) -> Response:
        return req.response.json({"message": "caught"}).status(HttpStatus.BAD_REQUEST)


def shop_app(*handlers: type[ExceptionHandler]) -> PyJolt:
    app = PyJolt(BaseConfig(BASE_PATH=".", DEBUG=False))
    OpeningHours().init_app(app)
    app.register_controller(ShopApi)
    for handler in handlers:
        app.register_exception_handler(handler)
    return app


async def test_an_extensions_default_handler_answers_its_exception_and_subclasses() -> None:
    async with PyJoltTestClient(shop_app()) as client:
        response = await client.get("/shop/closed")
    assert response.status_code == 503
    assert response.json() == {"status": "error", "message": "closed"}


async def test_the_apps_own_handler_for_the_class_wins() -> None:
    async with PyJoltTestClient(shop_app(OwnClosedAnswer)) as client:
        response = await client.get("/shop/closed")
    assert response.status_code == 200
    assert response.json() == {"message": "come back later"}


async def test_a_catch_all_handler_does_not_replace_a_more_specific_default() -> None:
    async with PyJoltTestClient(shop_app(CatchAll)) as client:
        response = await client.get("/shop/closed")
    assert response.status_code == 503


WITHOUT_DATABASE = """
import sys
from pyjolt import BaseConfig, PyJolt
from pyjolt.testing import PyJoltTestClient

app = PyJolt(BaseConfig(BASE_PATH={base!r}, DEBUG=False))
app.build()
assert "sqlalchemy" not in sys.modules, "building an app without SqlDatabase imported it"
"""


def test_an_app_without_a_database_does_not_import_sqlalchemy(tmp_path: Path) -> None:
    source = textwrap.dedent(WITHOUT_DATABASE).format(base=str(tmp_path))
    result = subprocess.run(
        [sys.executable, "-c", source], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr
