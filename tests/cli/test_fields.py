"""Field specs on the command line: ``name:type`` with ``?`` nullable and ``!`` unique."""

import pytest

from pyjolt.cli.errors import UsageError
from pyjolt.cli.fields import FIELD_TYPES, FieldSpec, parse_field, parse_fields


@pytest.mark.parametrize(
    ("spec", "expected"),
    [
        ("email:str", FieldSpec("email", "str")),
        ("bio:text?", FieldSpec("bio", "text", nullable=True)),
        ("email:str!", FieldSpec("email", "str", unique=True)),
        ("code:str?!", FieldSpec("code", "str", nullable=True, unique=True)),
        ("code:str!?", FieldSpec("code", "str", nullable=True, unique=True)),
    ],
)
def test_field_specs_parse(spec: str, expected: FieldSpec) -> None:
    assert parse_field(spec) == expected


@pytest.mark.parametrize("type_name", FIELD_TYPES)
def test_every_documented_type_is_accepted(type_name: str) -> None:
    assert parse_field(f"value:{type_name}").type == type_name


@pytest.mark.parametrize(
    ("spec", "problem"),
    [
        ("email", "name:type"),
        ("email:string", "unknown type"),
        ("Email:str", "lower-case identifier"),
        ("class:str", "lower-case identifier"),
        ("id:int", "reserved"),
        ("a:str??", "repeats a flag"),
        ("a-b:str", "lower-case identifier"),
    ],
)
def test_bad_field_specs_are_usage_errors(spec: str, problem: str) -> None:
    with pytest.raises(UsageError) as caught:
        parse_field(spec)
    assert problem in caught.value.message


def test_a_field_given_twice_is_refused() -> None:
    with pytest.raises(UsageError, match="given twice"):
        parse_fields(["a:str", "a:int"])
