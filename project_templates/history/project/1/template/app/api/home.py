"""The landing page and a health check."""

from pydantic import BaseModel
from pyjolt import MediaType, Request, Response
from pyjolt.controller import Controller, get, path, produces


class Health(BaseModel):
    status: str
    app: str


@path("/", tags=["Home"])
class HomeApi(Controller):
    @get("/")
    @produces(MediaType.TEXT_HTML)
    async def index(self, req: Request) -> Response:
        """The landing page."""
        return await req.response.html("index.html", {"app_name": self.app.configs.APP_NAME})

    @get("/health")
    async def health(self, req: Request) -> Response[Health]:
        """Liveness check for load balancers and tests."""
        return req.response.json({"status": "ok", "app": self.app.configs.APP_NAME})
