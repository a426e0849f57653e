# app/__init__.py: an application whose startup hook fails

from pyjolt import BaseConfig, PyJolt, app, on_startup


class Config(BaseConfig):
    APP_NAME: str = "Failing app"
    DEBUG: bool = False


@app(__name__, configs=Config)
class Application(PyJolt):
    @on_startup
    async def connect_database(self):
        raise ConnectionError("could not reach the database at db.internal:5432")
