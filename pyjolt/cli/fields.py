"""Model field specs on the command line: ``email:str!``, ``bio:text?``, ``age:int``.

``?`` makes the column nullable, ``!`` unique (both may be given, in either order). The
parsed fields go to the templates as plain data (name, type, flags); the templates
decide the SQLAlchemy and pydantic spellings.
"""

from __future__ import annotations

import keyword
import re
from dataclasses import asdict, dataclass
from typing import Any

from .errors import UsageError

FIELD_TYPES = ("str", "text", "int", "float", "bool", "datetime", "date", "uuid", "json")
RESERVED_FIELDS = frozenset({"id", "metadata", "query", "registry"})
_FIELD = re.compile(r"^(?P<name>[^:]+):(?P<type>[a-z]+)(?P<flags>[?!]{0,2})$")
_FIELD_NAME = re.compile(r"^[a-z][a-z0-9_]*$")


@dataclass(frozen=True)
class FieldSpec:
    name: str
    type: str
    nullable: bool = False
    unique: bool = False

    def as_data(self) -> dict[str, Any]:
        return asdict(self)

    @property
    def spec(self) -> str:
        """How the command line writes it: ``email:str!`` (parse_field reads it back)."""
        return f"{self.name}:{self.type}{'?' if self.nullable else ''}{'!' if self.unique else ''}"


def parse_field(spec: str) -> FieldSpec:
    """Parse one ``name:type[?][!]`` argument; a UsageError (exit 2) says what is wrong."""
    match = _FIELD.match(spec.strip())
    if not match:
        raise UsageError(
            f"field {spec!r} is not written as name:type",
            hint=f"e.g. email:str! or bio:text? ; types: {', '.join(FIELD_TYPES)}",
        )
    name, type_name, flags = match["name"], match["type"], match["flags"]
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
            f"field {name!r} has unknown type {type_name!r}",
            hint=f"types: {', '.join(FIELD_TYPES)}",
        )
    if len(set(flags)) != len(flags):
        raise UsageError(f"field {spec!r} repeats a flag")
    return FieldSpec(name, type_name, nullable="?" in flags, unique="!" in flags)


def parse_fields(specs: list[str]) -> list[FieldSpec]:
    fields = [parse_field(spec) for spec in specs]
    seen: set[str] = set()
    for field in fields:
        if field.name in seen:
            raise UsageError(f"field {field.name!r} is given twice")
        seen.add(field.name)
    return fields
