"""The controller that serves ``specs.json``, the Swagger UI page and its files.

It is mounted under ``OPEN_API_URL`` when ``OPEN_API`` is on and the app runs in
DEBUG, or when ``OPEN_API_IN_PRODUCTION`` says to serve the docs in production too.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

import anyio.to_thread

from ..config import ConfigError
from ..controller.base import Controller
from ..controller.decorators import get, path
from ..exceptions.http_exceptions import NotFound
from ..media_type import MediaType
from ..request import Request
from ..response import Response
from ..serialization import dump_json
from ..static import StaticFile, file_response
from .swagger import shipped_swagger_ui_file, swagger_page, swagger_ui_version

if TYPE_CHECKING:
    from ..app import PyJolt

#: A Swagger UI file's URL names its release, so its bytes never change: browsers may
#: keep it for a year without asking again. A new release is a new URL.
SWAGGER_UI_CACHE_CONTROL = "public, max-age=31536000, immutable"

#: The page names the current release's files, so it is revalidated on every visit.
PAGE_CACHE_CONTROL = "no-cache"


class OpenApiController(Controller):
    """Serves the OpenAPI document and Swagger UI; none of it is in the document itself."""

    def __init__(self, app: PyJolt) -> None:
        super().__init__(app)
        self._spec_json: bytes | None = None
        self._page: bytes | None = None
        self._swagger_ui_files: dict[str, StaticFile] = {}

    @get("/specs.json", open_api_spec=False)
    async def specs(self, req: Request) -> Response[Any]:
        """The OpenAPI 3.1 document, as JSON."""
        if self._spec_json is None:
            self._spec_json = dump_json(self.app.openapi_spec())
        return req.response.send_file(self._spec_json, media_type=MediaType.APPLICATION_JSON)

    @get("/docs", open_api_spec=False)
    async def docs(self, req: Request) -> Response[Any]:
        """The Swagger UI page."""
        if self._page is None:
            spec_url = self.app.url_for(f"{type(self).__name__}.specs")
            assets_url = self.app.configs.OPEN_API_SWAGGER_URL or self._shipped_assets_url()
            page = swagger_page(f"{self.app.configs.APP_NAME} - API docs", spec_url, assets_url)
            self._page = page.encode("utf-8")
        response = req.response.send_file(self._page, media_type=MediaType.TEXT_HTML)
        return response.set_header("Cache-Control", PAGE_CACHE_CONTROL)

    @get("/swagger-ui/<version>/<filename>", open_api_spec=False)
    async def swagger_ui_file(self, req: Request, version: str, filename: str) -> Response[Any]:
        """One file of the Swagger UI shipped with PyJolt, under its release's URL.

        Only the current release's URL answers: a page cached from before an upgrade gets
        a 404 rather than new files under an old name that browsers keep for a year.
        """
        if version != swagger_ui_version():
            raise NotFound("Swagger UI file not found")
        file = self._swagger_ui_files.get(filename)
        if file is None:
            file = await anyio.to_thread.run_sync(shipped_swagger_ui_file, filename)
            if file is None:
                raise NotFound("Swagger UI file not found")
            self._swagger_ui_files[filename] = file
        response = file_response(req, file)
        return response.set_header("Cache-Control", SWAGGER_UI_CACHE_CONTROL)

    def _shipped_assets_url(self) -> str:
        """The folder URL of the shipped Swagger UI: beside specs.json, named by release."""
        return self.app.url_for(
            f"{type(self).__name__}.swagger_ui_file",
            version=swagger_ui_version(),
            filename="swagger-ui.css",
        ).rsplit("/", 1)[0]


def serves_openapi(app: PyJolt) -> bool:
    """Whether ``specs.json`` and the docs page are served (the SPEC: in DEBUG only)."""
    config = app.configs
    return bool(config.OPEN_API and (config.DEBUG or config.OPEN_API_IN_PRODUCTION))


def register_openapi_controller(app: PyJolt) -> None:
    """Mount the OpenAPI controller under ``OPEN_API_URL`` when the config asks for it."""
    if not serves_openapi(app):
        return
    url = app.configs.OPEN_API_URL.rstrip("/")
    if url and not url.startswith("/"):
        raise ConfigError(
            f"OPEN_API_URL {app.configs.OPEN_API_URL!r} must start with '/' (e.g. '/openapi')"
        )
    # A subclass per app, so two apps with different OPEN_API_URLs do not share a @path.
    mounted = type(OpenApiController.__name__, (OpenApiController,), {"__module__": __name__})
    app.register_controller(cast("type[Controller]", path(url, open_api_spec=False)(mounted)))
