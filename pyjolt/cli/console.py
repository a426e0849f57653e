"""Rich consoles for the CLI, created on first use so ``--help`` does not pay for them."""

from __future__ import annotations

from functools import cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from rich.console import Console


@cache
def out() -> Console:
    """The console for results (stdout)."""
    from rich.console import Console

    return Console(highlight=False, soft_wrap=True)


@cache
def err() -> Console:
    """The console for errors, warnings and progress (stderr)."""
    from rich.console import Console

    return Console(stderr=True, highlight=False, soft_wrap=True)


def info(message: str) -> None:
    err().print(message)


def success(message: str) -> None:
    err().print(f"[green]✓[/green] {message}")


def warn(message: str) -> None:
    err().print(f"[yellow]warning:[/yellow] {message}")


def error(message: str, hint: str | None = None) -> None:
    from rich.markup import escape

    err().print(f"[bold red]error:[/bold red] {escape(message)}")
    if hint:
        err().print(f"[dim]hint:[/dim] {escape(hint)}")


def action(label: str, style: str, text: str) -> None:
    """One line of a plan: ``  would create  app/api/users.py``, labels aligned."""
    from rich.markup import escape

    err().print(f"  [{style}]{label:<13}[/{style}] {escape(text)}")
