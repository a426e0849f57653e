"""References between generated models: ``author:references+``, and the richer field types.

Driven through the CLI in-process on a copy of a new project; the generated code itself
runs in ``tests/e2e/test_relations_project.py``.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from pyjolt.cli.errors import EXIT_CONFLICT, EXIT_USAGE
from pyjolt.cli.journal import load_journal

from .conftest import CliRunner, snapshot

POSTS = ["posts", "title:str", "status:enum[draft,published]", "author:references+"]
LIST = 'posts: Mapped[list["Post"]] = relationship(back_populates="author", passive_deletes="all")'


def generate_authors(cli: CliRunner, *options: str) -> None:
    result = cli("generate", "resource", "authors", "name:str!", *options)
    assert result.code == 0, result.err


def read(project: Path, path: str) -> str:
    return (project / path).read_text()


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        (
            ["author:references"],
            "field 'author' references model Author, which is not in app/models/",
        ),
        (["writer:references[Editor]"], "references model Editor"),
        (["status:enum[Draft]"], "enum value 'Draft' is not a lower-case identifier"),
        (["status:enum[a,a]"], "enum value 'a' is given twice"),
        (["status:enum"], "enum needs its values"),
        (["price:decimal[50,2]"], "decimal[50,2] is out of range"),
        (["price:decimal[2,3]"], "decimal[2,3] is out of range"),
        (["price:decimal[10]"], "decimal takes [precision,scale]"),
        (["post:references"], "references Post, the model being generated"),
        (["update:enum[a,b]"], "would name its class PostUpdate"),
        (["out:references[Author]"], "would name its class PostOut"),
    ],
)
def test_unusable_fields_exit_2_with_one_message_and_write_nothing(
    cli: CliRunner, project: Path, fields: list[str], message: str
) -> None:
    before = snapshot(project)
    result = cli("generate", "resource", "posts", "title:str", *fields)
    assert result.code == EXIT_USAGE, result.err
    assert result.err.count("error:") == 1
    assert message in " ".join(result.err.split()), result.err
    assert "Traceback" not in result.err
    assert snapshot(project) == before


def test_an_unknown_model_names_the_command_that_makes_it(cli: CliRunner, project: Path) -> None:
    result = cli("generate", "resource", "posts", "author:references")
    assert "pyjolt generate resource authors name:str" in " ".join(result.err.split())


def test_two_lists_on_the_same_model_are_refused(cli: CliRunner, project: Path) -> None:
    generate_authors(cli)
    before = snapshot(project)
    result = cli(
        "generate", "resource", "posts", "author:references+", "editor:references[Author]+"
    )
    assert result.code == EXIT_USAGE
    assert "keep '+' on one of them" in " ".join(result.err.split())
    assert snapshot(project) == before


def test_a_reference_writes_the_foreign_key_its_index_and_the_relationship(
    cli: CliRunner, project: Path
) -> None:
    generate_authors(cli)
    assert cli("generate", "resource", *POSTS).code == 0
    model = read(project, "app/models/post.py")
    assert 'ForeignKey("authors.id", ondelete="RESTRICT"), index=True' in model
    assert 'author: Mapped["Author"] = relationship(back_populates="posts")' in model
    assert "class PostStatus(StrEnum):" in model
    [migration] = (project / "app/migrations/versions").glob("*_create_posts_table.py")
    text = migration.read_text()
    assert 'ondelete="RESTRICT"' in text and 'op.f("ix_posts_author_id")' in text
    authors = next((project / "app/migrations/versions").glob("*_create_authors_table.py"))
    assert f'down_revision: str | None = "{authors.name.split("_")[0]}"' in text


def test_the_list_is_added_to_the_referenced_model(cli: CliRunner, project: Path) -> None:
    generate_authors(cli)
    assert cli("generate", "resource", *POSTS).code == 0
    author = read(project, "app/models/author.py")
    assert f"    {LIST}\n" in author
    assert "if TYPE_CHECKING:\n    from app.models.post import Post\n" in author
    assert "from sqlalchemy.orm import Mapped, mapped_column, relationship\n" in author
    [edit] = load_journal(project).find("resource", "posts").model_edits  # type: ignore[union-attr]
    assert (edit.file, edit.model, edit.attribute) == ("app/models/author.py", "Author", "posts")


def test_dry_run_shows_the_edit_of_the_referenced_model_and_writes_nothing(
    cli: CliRunner, project: Path
) -> None:
    generate_authors(cli)
    before = snapshot(project)
    result = cli("generate", "resource", *POSTS, "--dry-run")
    assert result.code == 0
    assert "would edit" in result.err and "add Author.posts" in result.err
    assert f"+    {LIST}" in result.out
    assert snapshot(project) == before


def test_without_plus_the_referenced_model_is_left_alone(cli: CliRunner, project: Path) -> None:
    generate_authors(cli)
    author = read(project, "app/models/author.py")
    assert cli("generate", "resource", "posts", "title:str", "author:references").code == 0
    assert read(project, "app/models/author.py") == author
    assert 'author: Mapped["Author"] = relationship()' in read(project, "app/models/post.py")


def test_generating_either_resource_again_changes_nothing(cli: CliRunner, project: Path) -> None:
    generate_authors(cli)
    assert cli("generate", "resource", *POSTS).code == 0
    before = snapshot(project)
    for command in (POSTS, ["authors", "name:str!"]):
        result = cli("generate", "resource", *command)
        assert result.code == 0, result.err
        assert "no change" in result.err
    assert snapshot(project) == before


def test_destroy_takes_the_list_out_of_the_referenced_model_again(
    cli: CliRunner, project: Path
) -> None:
    generate_authors(cli)
    author = read(project, "app/models/author.py")
    assert cli("generate", "resource", *POSTS).code == 0
    result = cli("destroy", "resource", "posts")
    assert result.code == 0, result.err
    assert "remove Author.posts" in result.err
    assert read(project, "app/models/author.py") == author
    assert cli("destroy", "resource", "authors").code == 0  # unedited again: removed
    assert not (project / "app/models/author.py").exists()


def test_an_edited_list_is_kept_by_destroy(cli: CliRunner, project: Path) -> None:
    generate_authors(cli)
    assert cli("generate", "resource", *POSTS).code == 0
    path = project / "app/models/author.py"
    path.write_text(
        path.read_text().replace('passive_deletes="all")', 'passive_deletes="all", lazy="raise")')
    )
    result = cli("destroy", "resource", "posts")
    assert result.code == 0
    assert "Author.posts was edited since it was generated; keeping it" in " ".join(
        result.err.split()
    )
    assert 'lazy="raise"' in path.read_text()


def test_a_referenced_resource_cannot_be_destroyed_first(cli: CliRunner, project: Path) -> None:
    generate_authors(cli)
    assert cli("generate", "resource", *POSTS).code == 0
    before = snapshot(project)
    result = cli("destroy", "resource", "authors")
    assert result.code == EXIT_CONFLICT
    assert "destroy that first: pyjolt destroy resource posts" in result.err
    assert snapshot(project) == before


def test_an_attribute_of_the_same_name_is_a_conflict(cli: CliRunner, project: Path) -> None:
    generate_authors(cli)
    path = project / "app/models/author.py"
    path.write_text(path.read_text() + "    posts: Mapped[int] = mapped_column()\n")
    before = snapshot(project)
    result = cli("generate", "resource", *POSTS)
    assert result.code == EXIT_CONFLICT
    assert "Author already has an attribute 'posts'" in result.err
    assert snapshot(project) == before


def test_uuid_keys_reach_routes_schemas_and_referencing_columns(
    cli: CliRunner, project: Path
) -> None:
    generate_authors(cli, "--id", "uuid")
    assert cli("generate", "resource", *POSTS).code == 0
    author = read(project, "app/models/author.py")
    assert "id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)" in author
    assert '@get("/<uuid:author_id>")' in read(project, "app/api/authors.py")
    assert "author_id: Mapped[uuid.UUID] = mapped_column(" in read(project, "app/models/post.py")
    schema = read(project, "app/schemas/post.py")
    assert "author_id: uuid.UUID\n" in schema and "class PostAuthor(StrictModel):" in schema
    [migration] = (project / "app/migrations/versions").glob("*_create_posts_table.py")
    assert 'sa.Column("author_id", sa.Uuid(), nullable=False)' in migration.read_text()


def test_an_unknown_key_type_is_a_usage_error(cli: CliRunner, project: Path) -> None:
    result = cli("generate", "resource", "authors", "name:str", "--id", "bigint")
    assert result.code == EXIT_USAGE
    assert "pass --id int or --id uuid" in result.err


def test_a_reference_to_another_model_name_and_its_embedded_columns(
    cli: CliRunner, project: Path
) -> None:
    assert cli("generate", "auth").code == 0
    assert cli("generate", "resource", "posts", "title:str", "writer:references[User]?").code == 0
    model = read(project, "app/models/post.py")
    assert 'ForeignKey("users.id", ondelete="SET NULL"), index=True' in model
    assert 'writer: Mapped["User | None"] = relationship()' in model
    schema = read(project, "app/schemas/post.py")
    embedded = schema.split("class PostWriter(StrictModel):")[1].split("class ")[0]
    assert "email: str" in embedded and "is_active: bool" in embedded
    assert "password" not in embedded  # never embedded: it looks like a secret


def test_a_controller_for_an_existing_model_reads_its_references(
    cli: CliRunner, project: Path
) -> None:
    generate_authors(cli)
    assert cli("generate", "model", "Post", "title:str", "author:references[cascade]").code == 0
    assert cli("generate", "controller", "posts", "--model", "Post").code == 0
    schema = read(project, "app/schemas/post.py")
    assert "class PostAuthor(StrictModel):" in schema
    assert 'raise unknown_reference("author_id", data.author_id, "author")' in read(
        project, "app/api/posts.py"
    )


@pytest.mark.parametrize("kind", ["model", "resource"])
def test_help_lists_every_field_type_and_the_reference_syntax(cli: CliRunner, kind: str) -> None:
    from pyjolt.cli.fields import FIELD_TYPES

    result = cli("generate", kind, "--help")
    assert result.code == 0
    text = " ".join(result.out.split())
    assert f"Field types: {', '.join(FIELD_TYPES)}." in text
    for syntax in ("decimal[precision,scale]", "enum[values]", "references[Model,cascade]"):
        assert syntax in text
    assert "author:references+" in text and "--id int|uuid" in text


HAND_WRITTEN = """\
'''Authors, written by hand.'''
from typing import TYPE_CHECKING, Any
from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column
from app.models.base import Base
if TYPE_CHECKING:
    from app.models.tag import Tag  # used in a comment: Tag


class Author( Base ):
    __tablename__ = 'authors'
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(80))   # kept as written
    extra: Mapped[dict[str, Any]] = mapped_column()
"""


def test_a_hand_written_model_gets_only_the_line_and_its_imports_and_gets_them_back(
    cli: CliRunner, project: Path
) -> None:
    path = project / "app/models/author.py"
    path.write_text(HAND_WRITTEN)
    assert cli("generate", "resource", *POSTS).code == 0
    relationship = f"    {LIST}\n"
    expected = (
        HAND_WRITTEN.replace("Mapped, mapped_column\n", "Mapped, mapped_column, relationship\n")
        .replace("comment: Tag\n", "comment: Tag\n    from app.models.post import Post\n")
        .replace("mapped_column()\n", "mapped_column()\n" + relationship)
    )
    assert path.read_text() == expected  # not reformatted: it was not in ruff's format
    assert cli("destroy", "resource", "posts").code == 0
    assert path.read_text() == HAND_WRITTEN


def test_two_references_to_one_model_name_their_columns_and_survive_a_wrapped_line(
    cli: CliRunner, project: Path
) -> None:
    generate_authors(cli)
    author = read(project, "app/models/author.py")
    articles = ["articles", "main_author:references[Author]+", "reviewer:references[Author]?"]
    assert cli("generate", "resource", *articles).code == 0
    model = read(project, "app/models/article.py")
    assert 'foreign_keys="Article.main_author_id"' in model
    assert 'foreign_keys="Article.reviewer_id"' in model
    edited = read(project, "app/models/author.py")
    assert 'relationship(\n        back_populates="main_author",' in edited  # wrapped by ruff
    before = snapshot(project)
    assert "no change" in cli("generate", "resource", *articles).err
    assert snapshot(project) == before
    assert cli("destroy", "resource", "articles").code == 0
    assert read(project, "app/models/author.py") == author
