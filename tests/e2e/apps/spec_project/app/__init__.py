# app/__init__.py <-- in the app folder

from app.configs import Config
from pyjolt import PyJolt, app, on_shutdown, on_startup


@app(__name__, configs=Config)
class Application(PyJolt):
    started: bool = False

    @on_startup
    async def first_startup_method(self):
        self.started = True
        print("Starting up...")

    @on_shutdown
    async def first_shutdown_method(self):
        print("Shuting down...")
