"""Foreign keys hold on SQLite as on PostgreSQL; migrations never cascade-delete rows."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.ext.asyncio import create_async_engine

from pyjolt.config import ConfigError
from pyjolt.testing import PyJoltTestClient

from .project import Project
from .shop import Article, Author, serve_shop


async def create_author_with_articles(
    client: PyJoltTestClient, count: int, email: str = "ada@example.com"
) -> int:
    author = await client.post("/api/authors", json={"name": "Ada", "email": email})
    assert author.status_code == 201, author.text
    author_id: int = author.json()["id"]
    for number in range(count):
        article = await client.post(
            "/api/articles", json={"author_id": author_id, "title": f"Notes {number}"}
        )
        assert article.status_code == 201, article.text
    return author_id


async def test_deleting_an_author_cascades_to_their_articles(
    database_url: str, tmp_path: Path
) -> None:
    async with serve_shop(database_url, tmp_path) as shop:
        author_id = await create_author_with_articles(shop.client, 2)
        other_id = await create_author_with_articles(shop.client, 1, "alan@example.com")

        response = await shop.client.delete(f"/api/authors/{author_id}")
        assert response.status_code == 204, response.text

        async with shop.db.session() as session:
            remaining = await Article.query(session).all()
        assert [article.author_id for article in remaining] == [other_id]


async def test_every_sqlite_connection_enforces_foreign_keys(tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'shop.db'}"
    async with serve_shop(url, tmp_path) as shop:
        engine = shop.db.engine
        async with engine.connect() as first, engine.connect() as second:
            values = await asyncio.gather(
                first.scalar(text("PRAGMA foreign_keys")),
                second.scalar(text("PRAGMA foreign_keys")),
            )
        assert values == [1, 1]


@pytest.mark.parametrize("switch", [False, "false", "off"])
async def test_sqlite_foreign_keys_can_be_switched_off(tmp_path: Path, switch: object) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'shop.db'}"
    async with serve_shop(url, tmp_path, SHOP_DATABASE_SQLITE_FOREIGN_KEYS=switch) as shop:
        orphan = await shop.client.post("/api/articles", json={"author_id": 99, "title": "Lost"})
        assert orphan.status_code == 201, orphan.text

        author_id = await create_author_with_articles(shop.client, 1)
        assert (await shop.client.delete(f"/api/authors/{author_id}")).status_code == 204
        async with shop.db.session() as session:
            assert await Article.query(session).count() == 2
            assert await Author.query(session).count() == 0


async def test_a_bad_foreign_keys_switch_fails_naming_the_key(tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'shop.db'}"
    with pytest.raises(ConfigError, match="SHOP_DATABASE_SQLITE_FOREIGN_KEYS: Input should be"):
        async with serve_shop(url, tmp_path, SHOP_DATABASE_SQLITE_FOREIGN_KEYS="maybe"):
            pass


CASCADING_MODELS = """
from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from pyjolt.database import create_declarative_base

Base = create_declarative_base("db")


class User(Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    fullname: Mapped[str] = mapped_column(String(30))
    email: Mapped[str] = mapped_column(String(50), unique=True)


class Post(Base):
    __tablename__ = "posts"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    title: Mapped[str] = mapped_column(String(100))
"""

# SQLite cannot change a column's type in place: batch mode copies "users" into a new
# table and drops the old one, the step that deletes "posts" rows if foreign keys are on.
WIDEN_FULLNAME = '''
"""widen users.fullname"""
import sqlalchemy as sa
from alembic import op

revision = "widen0fullname"
down_revision = "{parent}"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("users") as batch_op:
        batch_op.alter_column("fullname", existing_type=sa.String(30), type_=sa.String(60))


def downgrade() -> None:
    with op.batch_alter_table("users") as batch_op:
        batch_op.alter_column("fullname", existing_type=sa.String(60), type_=sa.String(30))
'''


async def test_a_batch_migration_of_a_parent_table_keeps_the_child_rows(
    make_project: Callable[..., Project], database_url: str
) -> None:
    project = make_project({"DATABASE_URI": database_url}, models=CASCADING_MODELS)
    app = project.load_app()
    migrate = app.extensions["migrate"]
    migrate.init()
    assert migrate.migrate("create tables") is not None
    migrate.upgrade()
    [first] = project.versions()
    parent = first.name.split("_", 1)[0]

    async with PyJoltTestClient(app) as client:
        user = await client.post("/api/users/", json={"fullname": "Ada", "email": "a@b.c"})
        assert user.status_code == 201, user.text
        async with app.extensions["db"].session() as session:
            Post = project.module("models").Post
            session.add_all([Post(user_id=user.json()["id"], title=t) for t in ("a", "b")])
            await session.commit()

    (project.migrations / "versions" / "widen0fullname_widen.py").write_text(
        WIDEN_FULLNAME.format(parent=parent), "utf-8"
    )
    migrate.upgrade()

    engine = create_async_engine(database_url)
    try:
        async with engine.connect() as connection:
            posts = await connection.scalar(select(func.count()).select_from(text("posts")))
            users = await connection.scalar(select(func.count()).select_from(text("users")))
            revision = await connection.scalar(text("SELECT version_num FROM alembic_version"))
    finally:
        await engine.dispose()
    assert (users, posts, revision) == (1, 2, "widen0fullname")
