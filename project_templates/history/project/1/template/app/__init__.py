"""The application: ``uvicorn app:Application --factory`` or ``pyjolt dev`` serves it."""

from pyjolt import PyJolt, app

from app.configs import Config


@app(__name__, configs=Config)
class Application(PyJolt):
    """Controllers, extensions, models and exception handlers come from Config's lists."""
