"""@tool: JSON schemas from signatures and docstrings, validated arguments, errors as results."""

from __future__ import annotations

import json
from datetime import date
from enum import Enum
from typing import Annotated, Any, Literal

import pytest
from pydantic import BaseModel, Field

from pyjolt import Request
from pyjolt.ai import ToolDefinitionError, ToolError, compile_tool, tool
from pyjolt.ai.tools import bind_tools, class_tools, run_tool
from pyjolt.exceptions import NotFound


class Color(Enum):
    RED = "red"
    GREEN = "green"


class Address(BaseModel):
    street: str
    number: int


def schema_of(func: Any) -> dict[str, Any]:
    return compile_tool(func).parameters


def property_of(annotation: Any) -> dict[str, Any]:
    def probe(value: Any) -> None:
        """Probe."""

    probe.__annotations__["value"] = annotation  # a local type, not a global name
    tool(probe)
    parameters = schema_of(probe)
    prop = parameters["properties"]["value"]
    if "$ref" in prop:
        return {"$ref": prop["$ref"], **parameters["$defs"][prop["$ref"].split("/")[-1]]}
    return prop


@pytest.mark.parametrize(
    ("annotation", "expected"),
    [
        (int, {"type": "integer"}),
        (float, {"type": "number"}),
        (str, {"type": "string"}),
        (bool, {"type": "boolean"}),
        (list[int], {"type": "array", "items": {"type": "integer"}}),
        (dict[str, float], {"type": "object", "additionalProperties": {"type": "number"}}),
        (int | None, {"anyOf": [{"type": "integer"}, {"type": "null"}]}),
        (Literal["a", "b"], {"enum": ["a", "b"], "type": "string"}),
        (date, {"type": "string", "format": "date"}),
    ],
)
def test_types_become_their_json_schema(annotation: Any, expected: dict[str, Any]) -> None:
    assert property_of(annotation) == expected


def test_enums_list_their_values() -> None:
    prop = property_of(Color)
    assert prop["enum"] == ["red", "green"]
    assert prop["type"] == "string"


def test_nested_models_are_described_in_full() -> None:
    @tool
    def ship(to: Address, copies: list[Address]) -> None:
        """Ship."""

    parameters = schema_of(ship)
    assert parameters["$defs"]["Address"] == {
        "type": "object",
        "properties": {"street": {"type": "string"}, "number": {"type": "integer"}},
        "required": ["street", "number"],
    }
    assert parameters["properties"]["copies"]["items"] == {"$ref": "#/$defs/Address"}


GOOGLE = """Find books by an author.

    Searches the catalogue.

    Args:
        author: The author's full name.
        limit: At most this many books.
    """
REST = """Find books by an author.

    Searches the catalogue.

    :param author: The author's full name.
    :param limit: At most this many books.
    """
NUMPY = """Find books by an author.

    Searches the catalogue.

    Parameters
    ----------
    author : str
        The author's full name.
    limit : int
        At most this many books.
    """


@pytest.mark.parametrize("docstring", [GOOGLE, REST, NUMPY], ids=["google", "rest", "numpy"])
def test_descriptions_come_from_the_docstring(docstring: str) -> None:
    def find_books(author: str, limit: int = 5) -> list[str]:
        return []

    find_books.__doc__ = docstring
    spec = compile_tool(tool(find_books))
    assert spec.description == "Find books by an author.\n\nSearches the catalogue."
    properties = spec.parameters["properties"]
    assert properties["author"] == {"type": "string", "description": "The author's full name."}
    assert properties["limit"] == {
        "type": "integer",
        "default": 5,
        "description": "At most this many books.",
    }
    assert spec.parameters["required"] == ["author"]


def test_annotated_field_descriptions_win_over_the_docstring() -> None:
    @tool(name="lookup", description="Look a thing up.")
    def look(
        key: Annotated[str, Field(description="From Field", max_length=10)],
    ) -> str:
        """Ignored.

        Args:
            key: From the docstring.
        """
        return key

    spec = compile_tool(look)
    assert spec.name == "lookup"
    assert spec.description == "Look a thing up."
    assert spec.parameters["properties"]["key"] == {
        "type": "string",
        "maxLength": 10,
        "description": "From Field",
    }


def test_self_and_the_request_are_not_parameters() -> None:
    class Api:
        @tool
        async def whoami(self, req: Request, verbose: bool = False) -> str:
            """Who is asking."""
            return "x"

    spec = compile_tool(Api.whoami)
    assert spec.takes_request
    assert list(spec.parameters["properties"]) == ["verbose"]
    assert spec.parameters["type"] == "object"


def test_a_property_called_title_is_kept() -> None:
    @tool
    def rename(title: str) -> None:
        """Rename."""

    assert schema_of(rename) == {
        "type": "object",
        "properties": {"title": {"type": "string"}},
        "required": ["title"],
    }


def test_strict_tools_close_every_object() -> None:
    @tool(strict=True)
    def ship(to: Address, note: str | None = None) -> None:
        """Ship."""

    spec = compile_tool(ship)
    assert spec.definition()["function"]["strict"] is True
    assert spec.parameters["additionalProperties"] is False
    assert spec.parameters["required"] == ["to", "note"]
    assert spec.parameters["$defs"]["Address"]["additionalProperties"] is False


@pytest.mark.parametrize(
    ("source", "message"),
    [
        ("def f(x): 'Doc.'", "needs a type hint"),
        ("def f(*args: int): 'Doc.'", r"\*args/\*\*kwargs"),
        ("def f(x: int, req: Request): 'Doc.'", "must come first"),
    ],
)
def test_signatures_a_model_cannot_call_are_refused(source: str, message: str) -> None:
    namespace: dict[str, Any] = {"Request": Request}
    exec(source, namespace)
    with pytest.raises(ToolDefinitionError, match=message):
        compile_tool(tool(namespace["f"]))


@pytest.mark.parametrize("name", ["", "has space", "x" * 65, "semi;colon"])
def test_tool_names_are_checked(name: str) -> None:
    with pytest.raises(ToolDefinitionError, match="tool name"):
        tool(name=name)


def test_the_spec_is_compiled_once() -> None:
    @tool
    def ping() -> str:
        """Ping."""
        return "pong"

    assert compile_tool(ping) is compile_tool(ping)


class Shop:
    @tool
    def price(self, item: str, quantity: int = 1) -> dict[str, Any]:
        """Price of an item.

        Args:
            item: Its name.
            quantity: How many.
        """
        return {"item": item, "total": 2.5 * quantity}

    @tool(name="stock")
    async def stock_level(self, item: str) -> int:
        """Items in stock."""
        if item == "missing":
            raise ToolError(f"no item called {item}")
        if item == "secret":
            raise RuntimeError("database password is hunter2")
        if item == "gone":
            raise NotFound("Item not found")
        return 3

    def not_a_tool(self) -> None:
        """Not offered."""


def test_an_object_offers_every_tool_method_of_its_class() -> None:
    tools = bind_tools([Shop()])
    assert sorted(tools) == ["price", "stock"]
    assert class_tools(Shop) is class_tools(Shop)


def test_two_tools_of_one_name_are_refused() -> None:
    @tool(name="price")
    def other_price() -> None:
        """Another."""

    with pytest.raises(ToolDefinitionError, match="two tools are called 'price'"):
        bind_tools([Shop(), other_price])


def test_something_without_tools_is_refused() -> None:
    with pytest.raises(ToolDefinitionError, match="not a @tool"):
        bind_tools([lambda: None])


async def call(name: str, arguments: str) -> tuple[dict[str, Any] | str, bool]:
    content, ok = await run_tool(bind_tools([Shop()])[name], arguments, None)
    try:
        return json.loads(content), ok
    except json.JSONDecodeError:
        return content, ok


async def test_valid_arguments_run_the_tool_with_python_values() -> None:
    assert await call("price", '{"item": "tea", "quantity": 4}') == (
        {"item": "tea", "total": 10.0},
        True,
    )


@pytest.mark.parametrize(
    ("arguments", "error"),
    [
        ("{not json", "arguments are not valid JSON"),
        ("[1, 2]", "arguments must be a JSON object"),
        ('{"quantity": 2}', "invalid arguments: item: Field required"),
        ('{"item": "tea", "quantity": "many"}', "invalid arguments: quantity: Input should be"),
    ],
)
async def test_invalid_arguments_become_an_error_result(arguments: str, error: str) -> None:
    result, ok = await call("price", arguments)
    assert not ok
    assert isinstance(result, dict)
    assert result["error"].startswith(error)


@pytest.mark.parametrize(
    ("item", "error"),
    [
        ("missing", "no item called missing"),
        ("secret", "the tool failed (RuntimeError)"),
        ("gone", "refused (404): Item not found"),
    ],
)
async def test_exceptions_in_a_tool_become_an_error_result(item: str, error: str) -> None:
    result, ok = await call("stock", json.dumps({"item": item}))
    assert (result, ok) == ({"error": error}, False)


async def test_a_tool_needing_the_request_without_one_is_an_error_result() -> None:
    class Api:
        @tool
        async def whoami(self, req: Request) -> str:
            """Who."""
            return "x"

    content, ok = await run_tool(bind_tools([Api()])["whoami"], "{}", None)
    assert not ok
    assert "needs the request" in content
