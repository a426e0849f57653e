"""Adding and removing one string in a libcst ``List`` or ``Tuple`` keeping its layout.

A list written one entry per line stays that way (the new entry takes the old closing
whitespace, so comment lines before ``]`` stay last); a list on one line stays on one
line. Removing the last entry is the exact inverse of appending it, which is what lets
``pyjolt destroy`` return ``configs.py`` to its earlier text. A parenthesised tuple is
edited the same way (its brackets are parentheses), and keeps the trailing comma a
one-element tuple needs.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, TypeAlias

if TYPE_CHECKING:
    import libcst as cst

Sequence: TypeAlias = "cst.List | cst.Tuple"


def _opening(node: cst.List | cst.Tuple) -> cst.LeftSquareBracket | cst.LeftParen:
    import libcst as cst

    return node.lbracket if isinstance(node, cst.List) else node.lpar[0]


def _closing(node: cst.List | cst.Tuple) -> cst.RightSquareBracket | cst.RightParen:
    import libcst as cst

    return node.rbracket if isinstance(node, cst.List) else node.rpar[-1]


def _with_brackets(
    node: Sequence,
    opening: cst.LeftSquareBracket | cst.LeftParen | None = None,
    closing: cst.RightSquareBracket | cst.RightParen | None = None,
) -> Sequence:
    import libcst as cst

    if isinstance(node, cst.List):
        return node.with_changes(
            lbracket=opening or node.lbracket, rbracket=closing or node.rbracket
        )
    return node.with_changes(
        lpar=[opening or node.lpar[0], *node.lpar[1:]],
        rpar=[*node.rpar[:-1], closing or node.rpar[-1]],
    )


def _quote_of(list_node: cst.List | cst.Tuple) -> str:
    import libcst as cst

    for element in list_node.elements:
        if isinstance(element.value, cst.SimpleString):
            return "'" if element.value.quote.endswith("'") else '"'
    return '"'


def _element_indent(list_node: cst.List | cst.Tuple, default: str) -> tuple[bool, str]:
    """(indent flag, extra whitespace) of the list's first element line."""
    import libcst as cst

    ws = _opening(list_node).whitespace_after
    if isinstance(ws, cst.ParenthesizedWhitespace):
        return ws.indent, ws.last_line.value
    for element in list_node.elements:
        comma = element.comma
        if isinstance(comma, cst.Comma) and isinstance(
            comma.whitespace_after, cst.ParenthesizedWhitespace
        ):
            return comma.whitespace_after.indent, comma.whitespace_after.last_line.value
    return True, default


def append_entry(list_node: Sequence, entry: str, indent_unit: str) -> Sequence:
    """Append ``entry`` keeping the list's layout (one per line, or all on one line)."""
    import libcst as cst

    quote = _quote_of(list_node)
    new_value = cst.SimpleString(f"{quote}{entry}{quote}")
    elements = list(list_node.elements)
    newline_ws = cst.TrailingWhitespace()
    if not elements:
        lb = _opening(list_node).whitespace_after
        first_line = lb.first_line if isinstance(lb, cst.ParenthesizedWhitespace) else newline_ws
        empty_lines = lb.empty_lines if isinstance(lb, cst.ParenthesizedWhitespace) else []
        return _with_brackets(
            list_node.with_changes(elements=[cst.Element(new_value, comma=cst.Comma())]),
            _opening(list_node).with_changes(
                whitespace_after=cst.ParenthesizedWhitespace(
                    first_line=first_line,
                    empty_lines=empty_lines,
                    indent=True,
                    last_line=cst.SimpleWhitespace(indent_unit),
                )
            ),
            _closing(list_node).with_changes(
                whitespace_before=cst.ParenthesizedWhitespace(
                    first_line=newline_ws, indent=True, last_line=cst.SimpleWhitespace("")
                )
            ),
        )
    last = elements[-1]
    tail = _closing(list_node).whitespace_before
    if isinstance(tail, cst.ParenthesizedWhitespace):
        # One entry per line: the old last entry keeps its line comment; the new entry
        # takes the old closing whitespace (comment lines before ']' and its indent).
        indent, extra = _element_indent(list_node, indent_unit)
        old_comma = last.comma if isinstance(last.comma, cst.Comma) else cst.Comma()
        elements[-1] = last.with_changes(
            comma=old_comma.with_changes(
                whitespace_after=cst.ParenthesizedWhitespace(
                    first_line=tail.first_line,
                    empty_lines=[],
                    indent=indent,
                    last_line=cst.SimpleWhitespace(extra),
                )
            )
        )
        new_comma = last.comma if isinstance(last.comma, cst.Comma) else cst.MaybeSentinel.DEFAULT
        elements.append(cst.Element(new_value, comma=new_comma))
        new_tail = tail.with_changes(first_line=newline_ws)
        return _with_brackets(
            list_node.with_changes(elements=elements),
            closing=_closing(list_node).with_changes(whitespace_before=new_tail),
        )
    # All on one line: copy the spacing after the other commas.
    spacing: cst.BaseParenthesizableWhitespace = cst.SimpleWhitespace(" ")
    for element in elements[:-1]:
        if isinstance(element.comma, cst.Comma):
            spacing = element.comma.whitespace_after
            break
    elements[-1] = last.with_changes(comma=cst.Comma(whitespace_after=spacing))
    elements.append(cst.Element(new_value, comma=last.comma))
    return list_node.with_changes(elements=elements)


def _merge_ws(
    before: cst.BaseParenthesizableWhitespace, after: cst.BaseParenthesizableWhitespace
) -> cst.BaseParenthesizableWhitespace:
    """Whitespace left when the item between ``before`` and ``after`` goes away."""
    import libcst as cst

    if isinstance(before, cst.ParenthesizedWhitespace) and isinstance(
        after, cst.ParenthesizedWhitespace
    ):
        return before.with_changes(
            empty_lines=[*before.empty_lines, *after.empty_lines],
            indent=after.indent,
            last_line=after.last_line,
        )
    return before


def remove_element(list_node: Sequence, index: int) -> Sequence:
    """Remove element ``index``: the inverse of :func:`append_entry` for the last one."""
    import libcst as cst

    result = _remove(list_node, index)
    if isinstance(result, cst.Tuple) and len(result.elements) == 1:
        only = result.elements[0]
        if not isinstance(only.comma, cst.Comma):  # ("a:A") would be a string
            result = result.with_changes(elements=[only.with_changes(comma=cst.Comma())])
    return result


def _remove(list_node: Sequence, index: int) -> Sequence:
    import libcst as cst

    elements = list(list_node.elements)
    removed = elements.pop(index)
    if not elements:
        bare: tuple[cst.CSTNode, cst.CSTNode] = (
            (cst.LeftSquareBracket(), cst.RightSquareBracket())
            if isinstance(list_node, cst.List)
            else (cst.LeftParen(), cst.RightParen())
        )
        return _with_brackets(list_node.with_changes(elements=[]), *bare)  # type: ignore[arg-type]
    removed_ws = (
        removed.comma.whitespace_after
        if isinstance(removed.comma, cst.Comma)
        else cst.SimpleWhitespace("")
    )
    if index == len(elements):  # removed the last one
        prev = elements[-1]
        prev_ws = (
            prev.comma.whitespace_after
            if isinstance(prev.comma, cst.Comma)
            else cst.SimpleWhitespace("")
        )
        closing = _closing(list_node)
        tail = closing.whitespace_before
        elements[-1] = prev.with_changes(comma=removed.comma)
        if isinstance(prev_ws, cst.ParenthesizedWhitespace) and isinstance(
            tail, cst.ParenthesizedWhitespace
        ):
            closing = closing.with_changes(
                whitespace_before=tail.with_changes(
                    first_line=prev_ws.first_line,
                    empty_lines=[*prev_ws.empty_lines, *tail.empty_lines],
                )
            )
        return _with_brackets(list_node.with_changes(elements=elements), closing=closing)
    if index == 0:
        opening = _opening(list_node)
        opening = opening.with_changes(
            whitespace_after=_merge_ws(opening.whitespace_after, removed_ws)
        )
        return _with_brackets(list_node.with_changes(elements=elements), opening)
    prev = elements[index - 1]
    assert isinstance(prev.comma, cst.Comma)
    elements[index - 1] = prev.with_changes(
        comma=prev.comma.with_changes(
            whitespace_after=_merge_ws(prev.comma.whitespace_after, removed_ws)
        )
    )
    return list_node.with_changes(elements=elements)


def new_list_statement(list_name: str, entry: str, indent_unit: str) -> cst.SimpleStatementLine:
    import libcst as cst

    empty = cst.List(elements=[])
    return cst.SimpleStatementLine(
        body=[
            cst.AnnAssign(
                target=cst.Name(list_name),
                annotation=cst.Annotation(
                    cst.Subscript(
                        value=cst.Name("list"),
                        slice=[cst.SubscriptElement(cst.Index(cst.Name("str")))],
                    )
                ),
                value=append_entry(empty, entry, indent_unit),
            )
        ]
    )
