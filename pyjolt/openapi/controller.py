"""The controller that serves ``specs.json``, the Swagger UI page and its files.

It is mounted under ``OPEN_API_URL`` when ``OPEN_API`` is on and the app runs in
DEBUG, or when ``OPEN_API_IN_PRODUCTION`` says to serve the docs in production too.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from ..config import ConfigError
from ..controller.base import Controller
from ..controller.decorators import get, path
from ..exceptions.http_exceptions import NotFound
from ..media_type import MediaType
from ..request import Request
from ..response import Response
from ..serialization import dump_json
from .swagger import asset_names, bundled_swagger_ui, swagger_page

if TYPE_CHECKING:
    from ..app import PyJolt

#: Swagger UI's files are the same for every release of them: let browsers keep them.
ASSET_CACHE_CONTROL = "public, max-age=86400"


class OpenApiController(Controller):
    """Serves the OpenAPI document and Swagger UI; none of it is in the document itself."""

    def __init__(self, app: PyJolt) -> None:
        super().__init__(app)
        self._spec_json: bytes | None = None
        self._page: bytes | None = None
        self._assets: Path | None = bundled_swagger_ui()
        self._asset_names = asset_names(self._assets) if self._assets else frozenset()

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
            if self._assets is not None:  # served by swagger_asset, beside specs.json
                assets_url = spec_url.rsplit("/", 1)[0] + "/swagger"
            else:
                assets_url = self.app.configs.OPEN_API_SWAGGER_URL
            page = swagger_page(f"{self.app.configs.APP_NAME} - API docs", spec_url, assets_url)
            self._page = page.encode("utf-8")
        return req.response.send_file(self._page, media_type=MediaType.TEXT_HTML)

    @get("/swagger/<path:filename>", open_api_spec=False)
    async def swagger_asset(self, req: Request, filename: str) -> Response[Any]:
        """One of Swagger UI's own files, when ``swagger-ui-bundle`` provides them."""
        if self._assets is None or filename not in self._asset_names:
            raise NotFound("Swagger UI file not found")
        response = req.response.send_file(self._assets / filename)
        return response.set_header("Cache-Control", ASSET_CACHE_CONTROL)


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
