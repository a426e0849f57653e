# app/__init__.py: a small app served by `pyjolt run` (granian, several workers).

import logging
import os

from pyjolt import BaseConfig, PyJolt, Request, Response, app
from pyjolt.caching import Cache
from pyjolt.controller import Controller, get, path

logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")

cache = Cache()


class Config(BaseConfig):
    APP_NAME: str = "production"
    DEBUG: bool = False
    ALLOWED_HOSTS: list[str] | None = ["127.0.0.1", "localhost"]
    CONTROLLERS: list[str] = ["app:HelloApi"]
    EXTENSIONS: list[str] = ["app:cache"]


@path("")
class HelloApi(Controller):
    @get("/hello")
    async def hello(self, req: Request) -> Response:
        return req.response.json({"pid": os.getpid(), "url": req.url})

    @get("/cached")
    @cache.cache(duration=60)
    async def cached(self, req: Request) -> Response:
        return req.response.json({"url": req.url})

    @get("/forwarded")
    async def forwarded(self, req: Request) -> Response:
        return req.response.json({"scheme": req.scheme, "client": req.client})


@app(__name__, configs=Config)
class Application(PyJolt):
    pass
