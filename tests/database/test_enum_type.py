"""enum_type: a StrEnum stored as its values in a checked VARCHAR, on every database."""

from __future__ import annotations

from collections.abc import Iterator
from enum import StrEnum

import pytest
import sqlalchemy as sa
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column

from pyjolt.database import enum_type


class Status(StrEnum):
    DRAFT = "draft"
    PUBLISHED = "published"


class Base(DeclarativeBase):
    pass


class Post(Base):
    __tablename__ = "posts"

    id: Mapped[int] = mapped_column(primary_key=True)
    status: Mapped[Status] = mapped_column(enum_type(Status, "ck_posts_status"))


@pytest.fixture
def engine() -> Iterator[sa.Engine]:
    engine = sa.create_engine("sqlite://")
    Base.metadata.create_all(engine)
    yield engine
    engine.dispose()


def test_the_values_are_stored_not_the_member_names(engine: sa.Engine) -> None:
    with Session(engine) as session:
        session.add(Post(status=Status.PUBLISHED))
        session.commit()
        assert session.scalar(sa.text("SELECT status FROM posts")) == "published"
        assert session.scalar(sa.select(Post.status)) is Status.PUBLISHED


def test_the_database_refuses_other_values(engine: sa.Engine) -> None:
    with engine.connect() as connection, pytest.raises(sa.exc.IntegrityError, match="ck_posts"):
        connection.execute(sa.text("INSERT INTO posts (status) VALUES ('archived')"))


def test_the_column_is_a_varchar_with_a_named_check_not_a_database_type() -> None:
    column_type = Post.__table__.c.status.type
    assert isinstance(column_type, sa.Enum)
    assert column_type.native_enum is False
    assert column_type.name == "ck_posts_status"
    assert column_type.length == len("published")
