"""``pyjolt openapi export``: the OpenAPI document, built without a server or a database.

The app is imported and built (its controllers compiled) but not started: no lifespan,
so extensions never connect. ``--check`` compares with the file instead of writing it
and exits 4 when they differ, for CI.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from . import console
from .errors import CheckFailed, CliError, UsageError
from .files import write_atomically
from .project import find_project, load_application


def serialise(spec: dict[str, Any], fmt: str) -> str:
    if fmt == "yaml":
        import yaml

        return yaml.safe_dump(spec, sort_keys=False, allow_unicode=True)
    return json.dumps(spec, indent=2, ensure_ascii=False) + "\n"


def export_spec(app_spec: str | None, output: str | None, fmt: str, check: bool) -> None:
    project = find_project(app_spec)
    application = load_application(project)
    builder = getattr(application, "openapi_spec", None)
    if builder is None:
        raise CliError("this PyJolt version cannot build an OpenAPI document (no openapi_spec)")
    try:
        spec = builder()
    except Exception as exc:
        raise CliError(
            f"building the OpenAPI document failed: {type(exc).__name__}: {exc}",
            hint="run with --verbose to see the traceback",
        ) from exc
    text = serialise(spec, fmt)
    if check:
        if output is None:
            raise UsageError("--check needs --output FILE (the committed document)")
        path = Path(output)
        current = path.read_text(encoding="utf-8") if path.is_file() else None
        if current != text:
            state = "does not exist" if current is None else "is out of date"
            raise CheckFailed(
                f"{output} {state}",
                hint=f"regenerate it: pyjolt openapi export --output {output}"
                + (f" --format {fmt}" if fmt != "json" else ""),
            )
        console.success(f"{output} is up to date")
        return
    if output is None:
        print(text, end="")
        return
    path = Path(output)
    if not path.parent.is_dir():
        raise UsageError(f"folder {path.parent} does not exist")
    write_atomically(path, text.encode("utf-8"))
    paths = len(spec.get("paths", {}))
    console.success(f"wrote {output} ({paths} paths, OpenAPI {spec.get('openapi', '?')})")
