"""``pyjolt config``: the effective configuration, where each value came from, secrets masked.

The app is created as the other commands create it (``.env`` loaded first, extensions
initialised so their settings sections are known) but not built or started.
"""

from __future__ import annotations

import json
import re
from typing import TYPE_CHECKING, Any

from . import console
from .project import find_project, load_application, load_dotenv_file

if TYPE_CHECKING:
    from pyjolt.config import BaseConfig

MASK = "********"
VALUE_MIN_WIDTH = 30
#: Keys whose whole value is a secret: SECRET_KEY, *_KEY, *_TOKEN, *_PASSWORD, *_SECRET.
_SECRET_KEY = re.compile(r"(^|_)(KEY|TOKEN|PASSWORD|SECRET)$")
#: ``scheme://user:password@host``: the password part of a URL anywhere in a string.
_URL_PASSWORD = re.compile(r"(\b[a-zA-Z][\w+.-]*://[^:/@\s]*:)[^@\s]+@")


def is_secret(key: str) -> bool:
    return bool(_SECRET_KEY.search(key))


def masked(key: str, value: Any) -> Any:
    """``value`` fit to show: a secret key's value hidden, passwords in URLs replaced."""
    if is_secret(key) and value not in (None, ""):
        return MASK
    return _mask_urls(value)


def _mask_urls(value: Any) -> Any:
    if isinstance(value, str):
        return _URL_PASSWORD.sub(rf"\1{MASK}@", value)
    if isinstance(value, list | tuple):
        return [_mask_urls(item) for item in value]
    if isinstance(value, dict):
        return {key: masked(str(key), item) for key, item in value.items()}
    return value


def _plain(value: Any) -> Any:
    """A JSON-able form: scalars, lists and dicts as they are, anything else as its repr."""
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, list | tuple | set | frozenset):
        return [_plain(item) for item in value]
    if isinstance(value, dict):
        return {str(key): _plain(item) for key, item in value.items()}
    return repr(value)


def config_rows(config: BaseConfig, from_dotenv: set[str]) -> list[dict[str, Any]]:
    """One row per key: key, value (masked), source and the class that declares it."""
    rows = []
    for key in config.known_keys():
        source = config.source_of(key)
        if source == "environment" and key in from_dotenv:
            source = ".env"
        section = config.section_of(key)
        if section is not None and key not in type(config).model_fields:
            declared_by = section.__name__
        elif key in type(config).model_fields:
            from pyjolt.config import declaring_class

            declared_by = declaring_class(type(config), key).__name__
        else:
            declared_by = ""
        value = masked(key, _plain(getattr(config, key, None)))
        rows.append({"key": key, "value": value, "source": source, "declared_by": declared_by})
    return rows


def show_config(app_spec: str | None, as_json: bool) -> None:
    project = find_project(app_spec)
    from_dotenv = load_dotenv_file(project.root)
    application = load_application(project, build=False)
    rows = config_rows(application.configs, from_dotenv)
    if as_json:
        print(json.dumps(rows, indent=2))
        return
    from rich.console import Console
    from rich.markup import escape
    from rich.table import Table

    table = Table(
        title=f"configuration of {project.app_spec} ({type(application.configs).__name__})",
        title_justify="left",
    )
    table.add_column("Key", no_wrap=True)
    table.add_column("Value", overflow="fold", min_width=VALUE_MIN_WIDTH)
    table.add_column("Source", no_wrap=True)
    table.add_column("Declared by", no_wrap=True)
    fixed = [0, 0, 0]
    for row in rows:
        value = row["value"] if isinstance(row["value"], str) else json.dumps(row["value"])
        table.add_row(row["key"], escape(value), row["source"], row["declared_by"])
        for index, name in enumerate(("key", "source", "declared_by")):
            fixed[index] = max(fixed[index], len(row[name]))
    # Keys and sources are never folded: widen past the terminal (or a pipe's 80 columns).
    needed = sum(fixed) + VALUE_MIN_WIDTH + 13
    output = console.out()
    Console(width=max(output.width, needed), file=output.file, highlight=False).print(table)
