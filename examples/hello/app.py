"""The smallest PyJolt application: one controller, one config."""

from pydantic import BaseModel

from pyjolt import BaseConfig, HttpStatus, MediaType, PyJolt, Request, Response, app
from pyjolt.controller import Controller, consumes, get, path, post, produces


class Greeting(BaseModel):
    name: str


class Message(BaseModel):
    message: str


@path("/")
class HelloApi(Controller):
    @get("/")
    async def index(self, req: Request) -> Response[Message]:
        """Say hello."""
        return req.response.json({"message": "Hello from PyJolt"})

    @get("/hello/<string:name>")
    async def hello(self, req: Request, name: str) -> Response[Message]:
        """Greet someone by name."""
        return req.response.json({"message": f"Hello, {name}!"})

    @post("/hello")
    @consumes(MediaType.APPLICATION_JSON)
    @produces(MediaType.APPLICATION_JSON, status_code=HttpStatus.CREATED)
    async def greet(self, req: Request, greeting: Greeting) -> Response[Message]:
        """Greet whoever is named in the JSON body."""
        return req.response.json({"message": f"Hello, {greeting.name}!"})


class Config(BaseConfig):
    APP_NAME: str = "Hello PyJolt"
    DEBUG: bool = False
    CONTROLLERS: list[str] = ["app:HelloApi"]


@app(__name__, configs=Config)
class Application(PyJolt):
    """Application class; ``uvicorn app:Application --factory`` builds it."""
