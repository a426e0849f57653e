"""Jinja2 templates: file templates render asynchronously, string templates synchronously."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from jinja2 import (
    Environment,
    FileSystemLoader,
    StrictUndefined,
    TemplateNotFound,
    Undefined,
    select_autoescape,
)

if TYPE_CHECKING:
    from .app import PyJolt
    from .request import Request

AUTOESCAPE_EXTENSIONS = ("html", "htm", "xml", "jinja", "j2")
SAFE_CONFIG_KEYS = ("APP_NAME", "VERSION", "DEBUG", "STATIC_URL", "OPEN_API_URL")

ContextProvider = Callable[[], dict[str, Any]]


class TemplateNotFoundError(LookupError):
    """A template name did not resolve; the message names the folder searched."""


class Templates:
    """The app's Jinja2 environments, created once per app."""

    def __init__(self, app: PyJolt) -> None:
        config = app.configs
        self.folder = config.resolve_path(config.TEMPLATES_DIR)
        undefined = StrictUndefined if config.TEMPLATES_STRICT else Undefined
        loader = FileSystemLoader(self.folder)
        self.env = Environment(
            loader=loader,
            autoescape=select_autoescape(AUTOESCAPE_EXTENSIONS),
            undefined=undefined,
            enable_async=True,
            auto_reload=config.DEBUG,
        )
        self.string_env = Environment(loader=loader, autoescape=True, undefined=undefined)
        shared_globals = {
            "url_for": app.url_for,
            "config": {key: getattr(config, key) for key in SAFE_CONFIG_KEYS},
        }
        self.env.globals.update(shared_globals)
        self.string_env.globals.update(shared_globals)
        self.context_providers = app.template_context_providers

    def _context(self, context: dict[str, Any], request: Request | None) -> dict[str, Any]:
        merged: dict[str, Any] = {}
        for provider in self.context_providers:
            merged.update(provider())
        merged["request"] = request
        merged.update(context)
        return merged

    async def render(self, name: str, context: dict[str, Any], request: Request | None) -> str:
        """Render the template file ``name`` from TEMPLATES_DIR."""
        try:
            template = self.env.get_template(name)
        except TemplateNotFound:
            raise TemplateNotFoundError(
                f"Template {name!r} not found in templates folder {self.folder!r}"
            ) from None
        return await template.render_async(self._context(context, request))

    def render_string(self, text: str, context: dict[str, Any], request: Request | None) -> str:
        """Render a template given as text."""
        return self.string_env.from_string(text).render(self._context(context, request))
