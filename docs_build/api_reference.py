"""The API reference pages: one per public package, listing what its ``__all__`` exports.

The pages are generated when the site is built (``hooks.py``), so a name added to an
``__all__`` appears in the reference without anyone editing a page, and
``tests/docs/test_api_reference.py`` fails while such a name has no docstring.
"""

from __future__ import annotations

import importlib
import inspect
from dataclasses import dataclass
from functools import cache
from typing import Any

# (package, page under reference/api/, what it is for)
PACKAGES: list[tuple[str, str, str]] = [
    ("pyjolt", "pyjolt", "The application, configuration, controllers, requests and responses."),
    ("pyjolt.controller", "controller", "Controllers, route decorators and hooks."),
    ("pyjolt.exceptions", "exceptions", "HTTP exceptions, `abort` and exception handlers."),
    ("pyjolt.database", "database", "SqlDatabase, models, queries and pagination."),
    ("pyjolt.database.migrate", "migrate", "Alembic migrations through the app."),
    ("pyjolt.auth", "auth", "Authentication, passwords, tokens and signed cookies."),
    ("pyjolt.caching", "caching", "Response caching in memory or Redis."),
    ("pyjolt.task_manager", "task_manager", "Scheduled jobs, background jobs and tasks."),
    ("pyjolt.websocket", "websocket", "WebSocket endpoints."),
    ("pyjolt.channels", "channels", "Broadcast to groups of sockets across workers."),
    ("pyjolt.middleware", "middleware", "Middleware and the bundled middleware."),
    ("pyjolt.cors", "cors", "Cross-origin requests."),
    ("pyjolt.ratelimit", "ratelimit", "Rate limits."),
    ("pyjolt.ai", "ai", "The AI interface: chat, tools, embeddings, conversations."),
    ("pyjolt.openapi", "openapi", "The OpenAPI document and Swagger UI."),
    ("pyjolt.testing", "testing", "The in-process test client."),
]


@dataclass(frozen=True)
class PublicName:
    """One name of a package's ``__all__`` and where it is defined."""

    package: str
    name: str
    path: str  # dotted path of the definition, for mkdocstrings and griffe

    @property
    def external(self) -> bool:
        """Re-exported from another library (documented there, not here)."""
        return not (self.path == "pyjolt" or self.path.startswith("pyjolt."))


@cache
def _griffe_root() -> Any:
    import griffe

    loader = griffe.GriffeLoader()
    root = loader.load("pyjolt")
    loader.resolve_aliases(implicit=True, external=False)
    return root


def griffe_object(path: str) -> Any:
    """The griffe object at ``path`` (aliases followed), as mkdocstrings sees it."""
    root = _griffe_root()
    obj = root if path == "pyjolt" else root[path.removeprefix("pyjolt.")]
    return obj.final_target if obj.is_alias else obj


def _definition_path(package: str, name: str) -> str:
    value = getattr(importlib.import_module(package), name)
    if inspect.isclass(value) or inspect.isfunction(value):
        return f"{value.__module__}.{value.__qualname__}"
    # Constants and type aliases carry no module: ask griffe where the name is assigned.
    module = griffe_object(package)
    member = module.members.get(name)
    if member is not None:
        target = member.final_target if member.is_alias else member
        return str(target.path)
    for submodule in module.modules.values():
        candidate = submodule.members.get(name)
        if candidate is not None and not candidate.is_alias:
            return str(candidate.path)
    return f"{package}.{name}"


@cache
def public_names(package: str) -> tuple[PublicName, ...]:
    """The names a package exports, in ``__all__`` order, with their definitions."""
    module = importlib.import_module(package)
    return tuple(
        PublicName(package, name, _definition_path(package, name))
        for name in module.__all__
        if not name.startswith("__")
    )


def home_package(path: str) -> str | None:
    """The package whose page documents the definition at ``path``: the deepest one
    containing it, so a name exported by several packages is documented once."""
    owners = [
        package
        for package, _, _ in PACKAGES
        if (package == "pyjolt" or path.startswith(package + "."))
        and path in {public.path for public in public_names(package)}
    ]
    return max(owners, key=len) if owners else None


def render_page(package: str, summary: str) -> str:
    """The Markdown of one package's reference page."""
    module = importlib.import_module(package)
    doc = inspect.cleandoc(module.__doc__ or "").split("\n\n")[0].replace("\n", " ")
    lines = [f"# `{package}`", "", doc or summary, ""]
    external = []
    elsewhere = []
    for public in public_names(package):
        if public.external:
            external.append(public)
            continue
        if home_package(public.path) not in (package, None):
            elsewhere.append(public)
            continue
        lines += [
            f"::: {public.path}",
            "    options:",
            f"      heading: {public.name}",
            "      show_root_full_path: false",
            "",
        ]
    if elsewhere:
        lines += ["## Also exported here", ""]
        lines += [
            f"- [`{public.name}`][{public.path}], documented with `{home_package(public.path)}`"
            for public in elsewhere
        ]
        lines.append("")
    if external:
        lines += ["## Re-exported from other libraries", ""]
        lines += [f"- `{public.name}`: `{public.path}`" for public in external]
        lines.append("")
    return "\n".join(lines)


def render_index() -> str:
    """The API reference's entry page: one line per package."""
    lines = [
        "# API reference",
        "",
        "Generated from the docstrings of every name a package exports in its `__all__`;",
        "what is not listed here is internal and may change. The guides explain how the",
        "parts fit together.",
        "",
        "| package | for |",
        "|---|---|",
    ]
    lines += [f"| [`{package}`]({page}.md) | {summary} |" for package, page, summary in PACKAGES]
    return "\n".join(lines) + "\n"
