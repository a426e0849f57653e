# app/__init__.py: a SPEC-style shop that reads cookies, takes uploads and caches links.

import logging

from app.configs import Config
from pyjolt import PyJolt, app

# Every record with its level, so the tests can tell a WARNING from an ERROR.
logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")


@app(__name__, configs=Config)
class Application(PyJolt):
    pass
