from app.configs import Config
from pyjolt import PyJolt, app


@app(__name__, configs=Config)
class Application(PyJolt):
    pass
