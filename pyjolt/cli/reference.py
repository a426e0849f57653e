"""The CLI reference page, rendered from the ``pyjolt`` command tree itself.

The documentation site calls :func:`render_cli_reference` when it is built (see
``docs_build/hooks.py``), so every command, argument, option, default and example on the
page is read from the typer app that runs: the reference cannot drift from the CLI.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import typer

from .errors import EXIT_CODE_MEANINGS

# Typer ships its own copy of click (typer._click), so the objects below are read by their
# shape (``list_commands``, ``param_type_name``), never by isinstance against click.


@dataclass(frozen=True)
class CommandEntry:
    """One command of the tree: its words after ``pyjolt`` and its click objects."""

    words: tuple[str, ...]
    command: Any  # a click Command or Group, as typer builds it
    context: Any  # its click Context

    @property
    def name(self) -> str:
        return " ".join(("pyjolt", *self.words))

    @property
    def anchor(self) -> str:
        return "-".join(("pyjolt", *self.words)).replace("_", "-")


def iter_commands() -> Iterator[CommandEntry]:
    """Every command and group of ``pyjolt``, depth first, in the order ``--help`` lists them."""
    from .main import app

    root = typer.main.get_command(app)
    yield from _walk(root, root.context_class(root, info_name="pyjolt"), ())


def is_group(command: Any) -> bool:
    """Whether ``command`` has subcommands."""
    return hasattr(command, "list_commands")


def subcommands(command: Any, context: Any) -> list[tuple[str, Any]]:
    """The visible subcommands of a group, in ``--help`` order."""
    found = [(name, command.get_command(context, name)) for name in command.list_commands(context)]
    return [(name, sub) for name, sub in found if sub is not None and not sub.hidden]


def _walk(command: Any, context: Any, words: tuple[str, ...]) -> Iterator[CommandEntry]:
    yield CommandEntry(words, command, context)
    if is_group(command):
        for name, sub in subcommands(command, context):
            sub_context = sub.context_class(sub, parent=context, info_name=name)
            yield from _walk(sub, sub_context, (*words, name))


def render_cli_reference() -> str:
    """The Markdown of the CLI reference: exit codes, then every command in tree order."""
    lines = [
        "# CLI reference",
        "",
        "Generated from the `pyjolt` command itself when this site is built, so it lists",
        "exactly what the installed command accepts. [The pyjolt command](../cli.md) explains",
        "the commands with examples; `pyjolt COMMAND --help` prints the same text as below.",
        "",
        "## Exit codes",
        "",
        "The same for every command:",
        "",
        "| code | meaning |",
        "|---:|---|",
    ]
    lines += [f"| {code} | {meaning} |" for code, meaning in EXIT_CODE_MEANINGS.items()]
    lines += ["", "Ctrl+C ends a command with 130.", ""]
    for entry in iter_commands():
        lines += _render_command(entry)
    return "\n".join(lines) + "\n"


def _render_command(entry: CommandEntry) -> list[str]:
    command = entry.command
    depth = min(2 + len(entry.words), 4) if entry.words else 2
    title = entry.name if entry.words else "pyjolt"
    lines = [f"{'#' * depth} `{title}` {{ #{entry.anchor} }}", ""]
    help_text = (command.help or "").strip()
    if help_text:
        lines += [_escape_text(help_text), ""]
    usage = command.collect_usage_pieces(entry.context)
    lines += ["```text", f"{entry.name} {' '.join(usage)}".rstrip(), "```", ""]
    if is_group(command):
        lines += ["| command | does |", "|---|---|"]
        for name, sub in subcommands(command, entry.context):
            anchor = f"{entry.anchor}-{name}".replace("_", "-")
            summary = _cell(sub.get_short_help_str(limit=200))
            lines.append(f"| [`{name}`](#{anchor}) | {summary} |")
        lines.append("")
    lines += _render_parameters(command, entry.context)
    if command.epilog:
        lines += ["```text", command.epilog.strip(), "```", ""]
    return lines


def _render_parameters(command: Any, context: Any) -> list[str]:
    arguments = [p for p in command.params if p.param_type_name == "argument"]
    options = [p for p in command.params if p.param_type_name == "option" and not p.hidden]
    lines: list[str] = []
    if arguments:
        lines += ["| argument | required | description |", "|---|---|---|"]
        for argument in arguments:
            name = argument.make_metavar(context)
            required = "yes" if argument.required else "no"
            help_text = _cell(getattr(argument, "help", None) or "")
            lines.append(f"| `{name}` | {required} | {help_text} |")
        lines.append("")
    if options:
        lines += ["| option | type | default | description |", "|---|---|---|---|"]
        for option in options:
            flags = ", ".join(f"`{flag}`" for flag in [*option.opts, *option.secondary_opts])
            lines.append(
                f"| {flags} | {_option_type(option)} | {_option_default(option)} "
                f"| {_cell(option.help or '')} |"
            )
        lines.append("")
    lines += [
        "`--help`, `-h`: show the command's help and exit.",
        "",
    ]
    return lines


def _option_type(option: Any) -> str:
    if option.is_flag:
        return "flag"
    if hasattr(option.type, "choices"):
        return " \\| ".join(f"`{choice}`" for choice in option.type.choices)
    kind = option.type.name.lower()
    return f"{kind}, repeatable" if option.multiple else kind


def _option_default(option: Any) -> str:
    default = option.default
    if option.is_flag and option.secondary_opts:
        return f"`{option.opts[0] if default else option.secondary_opts[0]}`"
    if default is None or default is False or (option.multiple and not default):
        return ""
    if hasattr(default, "value"):
        default = default.value
    return f"`{default}`"


def _cell(text: str) -> str:
    """Text for one table cell: one line, pipes escaped."""
    return _escape_text(" ".join(text.split())).replace("|", "\\|")


def _escape_text(text: str) -> str:
    """Help text as Markdown text: angle brackets are not HTML, brackets not links."""
    return text.replace("<", "&lt;").replace(">", "&gt;").replace("[", "\\[").replace("]", "\\]")
