"""Model field specs on the command line: ``email:str!``, ``author:references``.

A spec is ``name:type[arguments]flags``. ``?`` makes the column nullable, ``!`` unique,
and ``+`` (references only) adds the other side, a list of these rows on the referenced
model; flags may come in any order. The arguments in brackets belong to the type:

- ``decimal[precision,scale]``: digits in all and after the point, ``(12,2)`` by default;
- ``enum[draft,published]``: the allowed values (lower-case identifiers);
- ``references[Model,cascade]``: the referenced model when it is not the one the field
  is named after (``writer:references[User]``), and ``cascade`` to delete these rows
  with it. ``belongs_to`` is another spelling of ``references``.

The parsed fields go to the templates as plain data; the templates decide the
SQLAlchemy and pydantic spellings. A reference is resolved against the project's models
(its table and primary key type) by :mod:`pyjolt.cli.references`.
"""

from __future__ import annotations

import keyword
import re
from dataclasses import asdict, dataclass, replace
from typing import Any

from .errors import UsageError

FIELD_TYPES = (
    "str",
    "text",
    "int",
    "float",
    "bool",
    "datetime",
    "date",
    "uuid",
    "json",
    "decimal",
    "enum",
    "references",
)
TYPE_ALIASES = {"belongs_to": "references"}
RESERVED_FIELDS = frozenset({"id", "metadata", "query", "registry"})
KEY_TYPES = ("int", "uuid")
#: Words that keep a column out of the objects answers embed for a reference.
SECRET_WORDS = frozenset({"password", "secret", "token", "hash", "key", "salt"})

DEFAULT_PRECISION = 12
DEFAULT_SCALE = 2
# The common ground of the databases: MySQL's DECIMAL holds 65 digits with at most 30
# after the point, SQL Server's 38.
MAX_PRECISION = 38
MAX_SCALE = 30
MAX_ENUM_VALUE = 63  # PostgreSQL's identifier length, a sane bound for a stored value

FIELD_SYNTAX = "name:type[arguments][?!+]"
FIELD_EXAMPLES = "email:str! bio:text? price:decimal[10,2] status:enum[a,b] author:references+"

_FIELD = re.compile(
    r"^(?P<name>[^:\[\]]+):(?P<type>[a-z_]+)(?:\[(?P<args>[^\]]*)\])?(?P<flags>[?!+]{0,3})$"
)
_FIELD_NAME = re.compile(r"^[a-z][a-z0-9_]*$")
_ENUM_VALUE = re.compile(r"^[a-z][a-z0-9_]*$")
_MODEL_CLASS = re.compile(r"^[A-Z][A-Za-z0-9]*$")
_TABLE = re.compile(r"^[a-z][a-z0-9_]*$")


@dataclass(frozen=True)
class Reference:
    """Where a ``references`` field points: a model, and what deleting it does.

    ``table``, ``key`` and ``module`` are read from the referenced model's file when the
    command runs (:func:`pyjolt.cli.references.resolve_fields`); the journal records
    them, so a migration that re-creates the table never needs that file again.
    """

    model: str  # class name: Author
    cascade: bool = False  # ON DELETE CASCADE instead of RESTRICT / SET NULL
    has_many: bool = False  # add the list of these rows to the referenced model
    table: str = ""
    key: str = "int"  # the referenced primary key's type: int or uuid
    module: str = ""  # models/<module>.py
    fields: tuple[FieldSpec, ...] = ()  # the referenced model's own fields

    @property
    def summary(self) -> tuple[FieldSpec, ...]:
        """The referenced columns an answer embeds: the short ones, no secrets.

        Text and JSON columns are left out (an embedded author is a name, not a
        biography), and so is anything named like a secret (``password_hash``,
        ``api_key``...), and the referenced model's own references.
        """
        return tuple(
            field
            for field in self.fields
            if field.type not in {"text", "json", "references"}
            and not SECRET_WORDS & set(field.name.split("_"))
        )


@dataclass(frozen=True)
class FieldSpec:
    name: str
    type: str
    nullable: bool = False
    unique: bool = False
    precision: int | None = None  # decimal
    scale: int | None = None  # decimal
    values: tuple[str, ...] = ()  # enum
    enum_class: str = ""  # enum: the StrEnum's name when read from an existing model
    reference: Reference | None = None

    def as_data(self) -> dict[str, Any]:
        """The template data: plain dicts and lists, with the derived names added."""
        data = _plain(asdict(self))
        data["column"] = self.column
        if self.reference is not None:
            data["reference"]["on_delete"] = self.on_delete
            data["reference"]["summary"] = [item.as_data() for item in self.reference.summary]
        return data

    @property
    def column(self) -> str:
        """The column name: ``author_id`` for the reference ``author``."""
        return f"{self.name}_id" if self.type == "references" else self.name

    @property
    def on_delete(self) -> str:
        """What the database does to this row when the referenced one is deleted.

        RESTRICT by default (deleting an author who still has posts is refused, 409),
        SET NULL when the reference is nullable, CASCADE when asked for.
        """
        if self.reference is None:
            return ""
        if self.reference.cascade:
            return "CASCADE"
        return "SET NULL" if self.nullable else "RESTRICT"

    @property
    def spec(self) -> str:
        """How the command line writes it: ``email:str!`` (parse_field reads it back).

        A reference is written with what was resolved (``table=``, ``key=``), so the
        journal's copy describes the foreign key without reading the other model.
        """
        args: list[str] = []
        if self.type == "decimal":
            args = [str(self.precision), str(self.scale)]
        elif self.type == "enum":
            args = list(self.values)
        elif self.reference is not None:
            ref = self.reference
            args = [ref.model, *(["cascade"] if ref.cascade else [])]
            if ref.table:
                args += [f"table={ref.table}", f"key={ref.key}"]
        flags = (
            ("?" if self.nullable else "")
            + ("!" if self.unique else "")
            + ("+" if self.reference is not None and self.reference.has_many else "")
        )
        bracket = f"[{','.join(args)}]" if args else ""
        return f"{self.name}:{self.type}{bracket}{flags}"


def _plain(value: Any) -> Any:
    """Tuples become lists, all the way down (the data goes to copier as YAML)."""
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(item) for item in value]
    return value


def _pascal(snake: str) -> str:
    return "".join(word.capitalize() for word in snake.split("_"))


def _decimal(name: str, args: list[str]) -> tuple[int, int]:
    if not args:
        return DEFAULT_PRECISION, DEFAULT_SCALE
    if len(args) != 2 or not all(arg.isdigit() for arg in args):
        raise UsageError(
            f"field {name!r}: decimal takes [precision,scale], two whole numbers",
            hint=f"e.g. {name}:decimal[10,2] (10 digits, 2 after the point); "
            f"{name}:decimal alone is decimal[{DEFAULT_PRECISION},{DEFAULT_SCALE}]",
        )
    precision, scale = int(args[0]), int(args[1])
    if not 1 <= precision <= MAX_PRECISION or scale > min(precision, MAX_SCALE):
        raise UsageError(
            f"field {name!r}: decimal[{precision},{scale}] is out of range",
            hint=f"the precision (all digits) goes from 1 to {MAX_PRECISION}, the scale "
            f"(digits after the point) from 0 to the precision, at most {MAX_SCALE}",
        )
    return precision, scale


def _enum_values(name: str, args: list[str]) -> tuple[str, ...]:
    example = f"{name}:enum[draft,published]"
    if not args or args == [""]:
        raise UsageError(f"field {name!r}: enum needs its values", hint=f"e.g. {example}")
    for value in args:
        if not _ENUM_VALUE.match(value) or len(value) > MAX_ENUM_VALUE:
            raise UsageError(
                f"field {name!r}: enum value {value!r} is not a lower-case identifier",
                hint=f"use snake_case letters, digits and '_' (at most {MAX_ENUM_VALUE} "
                f"characters), e.g. {example}",
            )
    repeated = sorted({value for value in args if args.count(value) > 1})
    if repeated:
        raise UsageError(f"field {name!r}: enum value {repeated[0]!r} is given twice")
    return tuple(args)


def _reference(name: str, args: list[str], has_many: bool) -> Reference:
    model, cascade, table, key = _pascal(name), False, "", "int"
    for arg in args:
        if arg == "cascade":
            cascade = True
        elif _MODEL_CLASS.match(arg):
            model = arg
        elif arg.startswith("table=") and _TABLE.match(arg[6:]):
            table = arg[6:]
        elif arg.startswith("key=") and arg[4:] in KEY_TYPES:
            key = arg[4:]
        else:
            raise UsageError(
                f"field {name!r}: {arg!r} is not a model class or 'cascade'",
                hint=f"e.g. {name}:references, {name}:references[User] or "
                f"{name}:references[User,cascade]",
            )
    return Reference(model, cascade, has_many, table, key)


def parse_field(spec: str) -> FieldSpec:
    """Parse one ``name:type[arguments][?][!][+]`` argument; UsageError (exit 2) if wrong."""
    match = _FIELD.match(spec.strip())
    if not match:
        raise UsageError(
            f"field {spec!r} is not written as {FIELD_SYNTAX}",
            hint=f"e.g. {FIELD_EXAMPLES}; types: {', '.join(FIELD_TYPES)}",
        )
    name, flags = match["name"], match["flags"]
    type_name = TYPE_ALIASES.get(match["type"], match["type"])
    args = [arg.strip() for arg in match["args"].split(",")] if match["args"] is not None else []
    if not _FIELD_NAME.match(name) or keyword.iskeyword(name):
        raise UsageError(
            f"field name {name!r} is not a valid lower-case identifier",
            hint="use snake_case letters, digits and '_', e.g. full_name:str",
        )
    if name in RESERVED_FIELDS:
        raise UsageError(
            f"field name {name!r} is reserved",
            hint="'id' is added for you; choose another name for the others",
        )
    if type_name not in FIELD_TYPES:
        raise UsageError(
            f"field {name!r} has unknown type {match['type']!r}",
            hint=f"types: {', '.join(FIELD_TYPES)}",
        )
    if len(set(flags)) != len(flags):
        raise UsageError(f"field {spec!r} repeats a flag")
    if "+" in flags and type_name != "references":
        raise UsageError(
            f"field {name!r}: '+' (the list on the referenced model) is only for references",
            hint=f"e.g. author:references+ ; {name}:{type_name} takes ? and !",
        )
    nullable, unique = "?" in flags, "!" in flags
    if match["args"] is not None and type_name not in {"decimal", "enum", "references"}:
        raise UsageError(
            f"field {name!r}: type {type_name} takes no [arguments]",
            hint="only decimal[precision,scale], enum[values] and references[Model] do",
        )
    field = FieldSpec(name, type_name, nullable=nullable, unique=unique)
    if type_name == "bool" and unique:
        raise UsageError(
            f"field {name!r}: a bool cannot be unique ('!'): the table could hold two rows",
            hint=f"leave out '!', e.g. {name}:bool",
        )
    if type_name == "decimal":
        precision, scale = _decimal(name, args)
        return replace(field, precision=precision, scale=scale)
    if type_name == "enum":
        if unique:
            raise UsageError(
                f"field {name!r}: an enum cannot be unique ('!'): the table could hold one "
                "row per value",
                hint=f"leave out '!', e.g. {name}:enum[draft,published]",
            )
        return replace(field, values=_enum_values(name, args))
    if type_name == "references":
        if name.endswith("_id"):
            raise UsageError(
                f"field {name!r}: name a reference after what it points to, write "
                f"{name[:-3]}:references",
                hint=f"the column is called {name} for you",
            )
        return replace(field, reference=_reference(name, args, "+" in flags))
    return field


def parse_fields(specs: list[str]) -> list[FieldSpec]:
    fields = [parse_field(spec) for spec in specs]
    seen: set[str] = set()
    for field in fields:
        for name in {field.name, field.column}:
            if name in seen:
                raise UsageError(f"field {name!r} is given twice")
            seen.add(name)
    return fields
