"""Options shared by several commands (typer ``Annotated`` aliases)."""

from __future__ import annotations

from typing import Annotated

import typer

AppOption = Annotated[
    str | None,
    typer.Option(
        "--app",
        help="Import string of the app class, e.g. app:Application "
        "(default: [tool.pyjolt] app in pyproject.toml, else app:Application).",
    ),
]
ForceOption = Annotated[
    bool, typer.Option("--force", "-f", help="Overwrite files that exist and differ.")
]
DryRunOption = Annotated[
    bool,
    typer.Option("--dry-run", "-n", help="Print the files and the configs.py diff; write nothing."),
]
DatabaseOption = Annotated[
    str | None,
    typer.Option("--database", help="Which database (its db_name) when the app has several."),
]
