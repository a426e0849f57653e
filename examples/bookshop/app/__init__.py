"""Bookshop: a small PyJolt app with a JSON API, an HTML page, static files and OpenAPI."""

from pyjolt import PyJolt, app

from .configs import Config


@app(__name__, configs=Config)
class Application(PyJolt):
    """``uvicorn app:Application --factory`` (run from examples/bookshop)."""
