"""Field specs on the command line: ``name:type[arguments]`` with ``?``, ``!`` and ``+``."""

import pytest

from pyjolt.cli.errors import UsageError
from pyjolt.cli.fields import FIELD_TYPES, FieldSpec, Reference, parse_field, parse_fields

EXAMPLES = {"enum": "value:enum[a,b]", "references": "value:references"}


@pytest.mark.parametrize(
    ("spec", "expected"),
    [
        ("email:str", FieldSpec("email", "str")),
        ("bio:text?", FieldSpec("bio", "text", nullable=True)),
        ("email:str!", FieldSpec("email", "str", unique=True)),
        ("code:str?!", FieldSpec("code", "str", nullable=True, unique=True)),
        ("code:str!?", FieldSpec("code", "str", nullable=True, unique=True)),
        ("price:decimal", FieldSpec("price", "decimal", precision=12, scale=2)),
        ("price:decimal[10,3]?", FieldSpec("price", "decimal", True, precision=10, scale=3)),
        ("rate:decimal[4,4]", FieldSpec("rate", "decimal", precision=4, scale=4)),
        (
            "status:enum[draft,published]",
            FieldSpec("status", "enum", values=("draft", "published")),
        ),
        ("author:references", FieldSpec("author", "references", reference=Reference("Author"))),
        ("author:belongs_to", FieldSpec("author", "references", reference=Reference("Author"))),
        (
            "writer:references[User]?+",
            FieldSpec("writer", "references", True, reference=Reference("User", has_many=True)),
        ),
        (
            "blog_post:references[cascade]",
            FieldSpec("blog_post", "references", reference=Reference("BlogPost", cascade=True)),
        ),
    ],
)
def test_field_specs_parse(spec: str, expected: FieldSpec) -> None:
    assert parse_field(spec) == expected


@pytest.mark.parametrize("type_name", FIELD_TYPES)
def test_every_documented_type_is_accepted(type_name: str) -> None:
    assert parse_field(EXAMPLES.get(type_name, f"value:{type_name}")).type == type_name


@pytest.mark.parametrize(
    ("field", "on_delete"),
    [
        ("author:references", "RESTRICT"),
        ("author:references?", "SET NULL"),
        ("author:references[cascade]", "CASCADE"),
        ("author:references[cascade]?", "CASCADE"),
    ],
)
def test_deleting_the_referenced_row_restricts_unless_nullable_or_cascading(
    field: str, on_delete: str
) -> None:
    assert parse_field(field).on_delete == on_delete


def test_a_reference_is_stored_in_a_column_named_after_it() -> None:
    assert parse_field("author:references").column == "author_id"


@pytest.mark.parametrize(
    "spec",
    [
        "email:str?!",
        "price:decimal[10,3]?",
        "status:enum[draft,published]?",
        "writer:references[User,cascade,table=users,key=uuid]?+",
    ],
)
def test_the_journal_spelling_reads_back_the_same_field(spec: str) -> None:
    field = parse_field(spec)
    assert field.spec == spec
    assert parse_field(field.spec) == field


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
        ("price:decimal[40,2]", "decimal[40,2] is out of range"),
        ("price:decimal[4,5]", "decimal[4,5] is out of range"),
        ("price:decimal[0,0]", "out of range"),
        ("price:decimal[10]", "decimal takes [precision,scale]"),
        ("price:decimal[ten,2]", "decimal takes [precision,scale]"),
        ("status:enum", "enum needs its values"),
        ("status:enum[]", "enum needs its values"),
        ("status:enum[Draft,published]", "'Draft' is not a lower-case identifier"),
        ("status:enum[in progress]", "is not a lower-case identifier"),
        ("status:enum[draft,draft]", "'draft' is given twice"),
        ("status:enum[draft,published]!", "an enum cannot be unique"),
        ("active:bool!", "a bool cannot be unique"),
        ("author:references[user]", "'user' is not a model class or 'cascade'"),
        ("author_id:references", "write author:references"),
        ("title:str[80]", "takes no [arguments]"),
        ("title:str+", "only for references"),
    ],
)
def test_bad_field_specs_are_usage_errors(spec: str, problem: str) -> None:
    with pytest.raises(UsageError) as caught:
        parse_field(spec)
    assert problem in caught.value.message


def test_a_field_given_twice_is_refused() -> None:
    with pytest.raises(UsageError, match="given twice"):
        parse_fields(["a:str", "a:int"])


def test_a_reference_and_a_column_of_its_name_are_refused() -> None:
    with pytest.raises(UsageError, match="'author_id' is given twice"):
        parse_fields(["author:references", "author_id:int"])
