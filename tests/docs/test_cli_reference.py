"""The CLI reference page renders every command, argument and option of ``pyjolt``."""

from __future__ import annotations

import re

from pyjolt.cli.errors import EXIT_CODE_MEANINGS
from pyjolt.cli.reference import iter_commands, render_cli_reference


def _sections(page: str) -> dict[str, str]:
    """The page's text under each command heading, keyed by the heading's anchor."""
    parts = re.split(r"^#{2,4} `[^`]+` \{ #([\w-]+) \}$", page, flags=re.M)
    return dict(zip(parts[1::2], parts[2::2], strict=True))


def test_every_command_has_its_section_with_each_option_and_argument() -> None:
    sections = _sections(render_cli_reference())
    commands = list(iter_commands())
    assert len(commands) > 40  # the generate and db groups are walked too
    for entry in commands:
        section = sections[entry.anchor]
        for param in entry.command.params:
            if param.param_type_name == "option":
                for flag in [*param.opts, *param.secondary_opts]:
                    assert f"`{flag}`" in section, f"{entry.name}: {flag} missing"
            else:
                assert param.make_metavar(entry.context) in section, (
                    f"{entry.name}: argument {param.name} missing"
                )
        if entry.command.epilog:
            assert entry.command.epilog.strip() in section


def test_every_exit_code_is_listed() -> None:
    page = render_cli_reference()
    assert set(EXIT_CODE_MEANINGS) == {0, 1, 2, 3, 4}
    for code, meaning in EXIT_CODE_MEANINGS.items():
        assert f"| {code} | {meaning} |" in page


def test_groups_link_to_each_subcommand() -> None:
    sections = _sections(render_cli_reference())
    assert "(#pyjolt-generate-resource)" in sections["pyjolt-generate"]
    assert "(#pyjolt-db-upgrade)" in sections["pyjolt-db"]
