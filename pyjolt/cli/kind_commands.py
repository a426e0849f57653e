"""``pyjolt generate KIND`` and ``pyjolt destroy KIND``: typer commands built from the kinds.

Every kind in :data:`pyjolt.cli.kinds.KINDS` gets one ``generate`` and one ``destroy``
subcommand whose parameters, help and examples come from the kind's declarations, so a
new kind needs no code here. The implementations are imported when a command runs.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from typing import Annotated, Any

import typer

from .fields import FIELD_TYPES
from .kinds import KINDS
from .kinds.base import Kind, Param
from .options import AppOption, DatabaseOption, DryRunOption, ForceOption

KEYWORD = inspect.Parameter.KEYWORD_ONLY
FIELDS_HELP = "\n\n".join(
    [
        f"Field types: {', '.join(FIELD_TYPES)}. Flags: ? nullable, ! unique, + (references "
        "only) the list on the other side: email:str! bio:text?",
        "decimal[precision,scale]: price:decimal is decimal[12,2]; price:decimal[10,3]. "
        'Sent and answered as a string ("19.90").',
        "enum[values]: status:enum[draft,published], lower-case values, stored as a checked "
        "string column; another value is a 422.",
        "references[Model,cascade] (or belongs_to): author:references is author_id, a "
        "foreign key to the Author model (app/models/author.py must exist), indexed, with a "
        "relationship; answers embed the author and an unknown author_id is a 422. "
        "writer:references[User] names the model. Deleting an author that posts reference "
        "is refused (409) unless the reference is nullable (author:references? sets NULL) "
        "or [cascade] (deletes the posts). author:references+ also adds Author.posts.",
        "An id primary key is added for you: an integer, or a UUID with --id uuid.",
    ]
)


def _parameter(name: str, annotation: Any, default: Any = inspect.Parameter.empty) -> Any:
    return inspect.Parameter(name, KEYWORD, default=default, annotation=annotation)


def _kind_parameter(param: Param) -> inspect.Parameter:
    if param.form == "flag":
        return _parameter(
            param.name, Annotated[bool, typer.Option(*param.flags, help=param.help)], False
        )
    if param.form == "many":
        argument = typer.Argument(help=param.help, metavar=param.metavar, show_default=False)
        return _parameter(param.name, Annotated[list[str] | None, argument], None)
    option = typer.Option(*param.flags, help=param.help, metavar=param.metavar)
    return _parameter(param.name, Annotated[str | None, option], None)


def _name_parameter(kind: Kind, help_text: str | None) -> list[inspect.Parameter]:
    if kind.singleton:
        return []
    return [_parameter("name", Annotated[str, typer.Argument(help=help_text, metavar="NAME")])]


COMMON = [
    _parameter("force", ForceOption, False),
    _parameter("dry_run", DryRunOption, False),
    _parameter("app_spec", AppOption, None),
]


def _command(name: str, parameters: list[Any], run: Callable[..., None]) -> Callable[..., None]:
    """A function typer can read: ``run`` with the given (typer-annotated) signature."""

    def command(**values: Any) -> None:
        run(**values)

    command.__name__ = command.__qualname__ = name.replace("-", "_")
    command.__signature__ = inspect.Signature(parameters)  # type: ignore[attr-defined]
    command.__annotations__ = {p.name: p.annotation for p in parameters}
    return command


def _examples(verb: str, kind: Kind, examples: tuple[str, ...]) -> str:
    lines = [f"  pyjolt {verb} {kind.name} {example}".rstrip() for example in examples]
    return "Examples:\n\n" + "\n\n".join(lines)


def _generate_command(kind: Kind) -> Callable[..., None]:
    def run(**values: Any) -> None:
        from .generate import generate

        generate(kind.name, values.pop("name", None), **values)

    parameters = [*_name_parameter(kind, kind.name_help)]
    parameters += [_kind_parameter(param) for param in kind.params]
    return _command(f"generate_{kind.name}", [*parameters, *COMMON], run)


def _destroy_command(kind: Kind) -> Callable[..., None]:
    def run(**values: Any) -> None:
        from .destroy import destroy_generated

        destroy_generated(
            kind.name,
            values.get("name"),
            force=values["force"],
            dry_run=values["dry_run"],
            app_spec=values["app_spec"],
        )

    force = _parameter(
        "force",
        Annotated[
            bool, typer.Option("--force", "-f", help="Remove files even if you edited them.")
        ],
        False,
    )
    parameters = [
        *_name_parameter(kind, f"The name given to 'pyjolt generate {kind.name}'."),
        force,
        *COMMON[1:],
    ]
    return _command(f"destroy_{kind.name}", parameters, run)


def _destroy_examples(kind: Kind) -> tuple[str, ...]:
    if kind.singleton:
        return ("", "--dry-run")
    first = kind.examples[0].split()[0]
    return (first, f"{first} --dry-run")


def generate_group() -> typer.Typer:
    group = typer.Typer(
        help="Add code to the project from templates and wire it into app/configs.py.",
        no_args_is_help=True,
        rich_markup_mode=None,
    )
    for kind in KINDS:
        epilog = _examples("generate", kind, kind.examples)
        if kind.takes_fields:
            epilog = f"{FIELDS_HELP}\n\n{epilog}"
        group.command(kind.name, help=kind.summary, epilog=epilog)(_generate_command(kind))
    group.command("migration", help=MIGRATION_HELP, epilog=MIGRATION_EPILOG)(generate_migration)
    return group


MIGRATION_HELP = (
    "A new migration after the current head: empty to fill in, or --autogenerate from "
    "the models. Not recorded in the journal (destroy does not undo it)."
)
MIGRATION_EPILOG = (
    "Exit 3 when the migrations have several heads (merge them first: "
    'pyjolt db merge -m "merge heads").\n\n'
    "Examples:\n\n"
    '  pyjolt generate migration "add index to notes"\n\n'
    "  pyjolt generate migration AddPublishedToNotes --autogenerate"
)


def generate_migration(
    name: Annotated[
        str, typer.Argument(help="What the migration does, e.g. 'add index to notes'.")
    ],
    autogenerate: Annotated[
        bool,
        typer.Option(
            "--autogenerate", help="Write the differences between the models and the database."
        ),
    ] = False,
    dry_run: DryRunOption = False,
    database: DatabaseOption = None,
    app_spec: AppOption = None,
) -> None:
    from .migration_generator import generate_migration as run

    run(name, autogenerate=autogenerate, dry_run=dry_run, database=database, app_spec=app_spec)


def destroy_group() -> typer.Typer:
    group = typer.Typer(
        help=(
            "Undo a generate command from the journal: remove its unedited files, unwire "
            "it, and drop its tables with a new migration when the old one must stay."
        ),
        no_args_is_help=True,
        rich_markup_mode=None,
        epilog="Examples:\n\n  pyjolt destroy controller users\n\n  pyjolt destroy auth --dry-run",
    )
    for kind in KINDS:
        tables = (
            " A migration a database applied (or another migration follows) stays, and "
            "a new one drops the table."
            if kind.creates_tables
            else ""
        )
        group.command(
            kind.name,
            help=f"Undo 'pyjolt generate {kind.name}'.{tables}",
            epilog=_examples("destroy", kind, _destroy_examples(kind)),
        )(_destroy_command(kind))
    return group
