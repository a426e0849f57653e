"""Reading a model file (never importing it): table, key type and fields, references too."""

from __future__ import annotations

from pathlib import Path

import pytest

from pyjolt.cli.errors import UsageError
from pyjolt.cli.fields import FieldSpec, Reference
from pyjolt.cli.model_fields import read_model
from pyjolt.cli.project import Project

MODEL = """
import uuid
from decimal import Decimal
from enum import StrEnum

from sqlalchemy import ForeignKey, Numeric, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.models.base import Base


class Kind(StrEnum):
    BOOK = "book"
    EBOOK = "ebook"


class Item(Base):
    __tablename__ = "catalogue_items"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    title: Mapped[str] = mapped_column(String(80), unique=True)
    blurb: Mapped[str | None] = mapped_column(Text)
    price: Mapped[Decimal] = mapped_column(Numeric(9, 3))
    kind: Mapped[Kind] = mapped_column()
    shelf_id: Mapped[int | None] = mapped_column(ForeignKey("shelves.id", ondelete="CASCADE"))
    loose_id: Mapped[int] = mapped_column(ForeignKey("others.id"))

    shelf: Mapped["Shelf | None"] = relationship(back_populates="items")
    tags: Mapped[list["Tag"]] = relationship()
"""


@pytest.fixture
def project(tmp_path: Path) -> Project:
    (tmp_path / "app" / "models").mkdir(parents=True)
    (tmp_path / "app" / "models" / "item.py").write_text(MODEL)
    return Project(tmp_path, "app:Application", {})


def test_the_table_key_and_fields_are_read(project: Project) -> None:
    info = read_model(project, "Item")
    assert (info.module, info.table, info.key) == ("item", "catalogue_items", "uuid")
    assert info.fields == (
        FieldSpec("title", "str", unique=True),
        FieldSpec("blurb", "text", nullable=True),
        FieldSpec("price", "decimal", precision=9, scale=3),
        FieldSpec("kind", "enum", values=("book", "ebook"), enum_class="Kind"),
        FieldSpec(
            "shelf",
            "references",
            nullable=True,
            reference=Reference("Shelf", cascade=True, table="shelves", key="int"),
        ),
        FieldSpec("loose_id", "int"),  # a foreign key without a relationship: a column
    )


def test_a_model_that_is_not_there_is_a_usage_error(project: Project) -> None:
    with pytest.raises(UsageError, match="no class Author in app/models/"):
        read_model(project, "Author")
