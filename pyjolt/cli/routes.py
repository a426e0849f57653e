"""``pyjolt routes``: every route of the app, as a table or as JSON."""

from __future__ import annotations

import inspect
import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

from . import console
from .project import Project, find_project, load_application

if TYPE_CHECKING:
    from pyjolt.app import PyJolt

METHOD_ORDER = {"GET": 0, "HEAD": 1, "POST": 2, "PUT": 3, "PATCH": 4, "DELETE": 5, "OPTIONS": 6}
#: What a WebSocket route shows in the Method column.
WEBSOCKET_METHOD = "WS"


def _source_of(application: PyJolt, endpoint: str, project: Project) -> tuple[str, str, int]:
    """(controller class, file relative to the project, line) of ``Controller.method``."""
    class_name, _, method_name = endpoint.partition(".")
    for controller in application.controllers:
        if controller.__name__ != class_name:
            continue
        func = inspect.unwrap(getattr(controller, method_name, controller))
        try:
            path = Path(inspect.getsourcefile(func) or "").resolve()
            line = inspect.getsourcelines(func)[1]
        except (OSError, TypeError):
            return class_name, "", 0
        return f"{controller.__module__}:{class_name}", project.relative(path), line
    return class_name, "", 0


def collect_routes(application: PyJolt, project: Project) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    rules = list(application.router.rules)
    rules += [(WEBSOCKET_METHOD, url, name) for _, url, name in application.socket_router.rules]
    for method, url, endpoint in rules:
        controller, file, line = _source_of(application, endpoint, project)
        rows.append(
            {
                "method": method,
                "path": url,
                "endpoint": endpoint,
                "controller": controller,
                "file": file,
                "line": line,
            }
        )
    rows.sort(key=lambda r: (r["path"], METHOD_ORDER.get(r["method"], 9), r["method"]))
    return rows


def show_routes(app_spec: str | None, as_json: bool) -> None:
    project = find_project(app_spec)
    application = load_application(project)
    rows = collect_routes(application, project)
    if as_json:
        print(json.dumps(rows, indent=2))
        return
    from rich.console import Console
    from rich.table import Table

    headers = ("Method", "Path", "Endpoint", "Controller file")
    cells = [
        (r["method"], r["path"], r["endpoint"], f"{r['file']}:{r['line']}" if r["file"] else "")
        for r in rows
    ]
    table = Table(title=f"{len(rows)} routes of {project.app_spec}", title_justify="left")
    for header in headers:
        table.add_column(header, no_wrap=True)
    for row_cells in cells:
        table.add_row(*row_cells)
    # Never fold a path in two: widen past the terminal (or the 80 columns of a pipe).
    widths = [max([len(header)] + [len(c[i]) for c in cells]) for i, header in enumerate(headers)]
    needed = sum(widths) + 3 * len(widths) + 1
    output = console.out()
    Console(width=max(output.width, needed), file=output.file, highlight=False).print(table)
