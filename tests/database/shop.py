"""A small multi-resource API (authors, articles, tags, favourites) served in-process.

The schema is made with ``create_all`` from models with real constraints: unique emails
and tag names, articles deleted with their author (``ON DELETE CASCADE``), tags that
cannot be deleted while an article uses them, a NOT NULL title and a CHECK on views.
The database has its own name and prefix (``shop``, ``SHOP_``), so its config keys are
``SHOP_DATABASE_URI``, ``SHOP_DATABASE_SQLITE_FOREIGN_KEYS``...
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import BaseModel
from sqlalchemy import CheckConstraint, Column, ForeignKey, String, Table, delete, insert
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Mapped, mapped_column, relationship

from pyjolt import (
    BaseConfig,
    Controller,
    HttpStatus,
    MediaType,
    PyJolt,
    Request,
    Response,
    consumes,
    path,
    post,
    produces,
)
from pyjolt import delete as delete_route
from pyjolt.database import SqlDatabase, create_declarative_base
from pyjolt.exceptions import ExceptionHandler
from pyjolt.testing import PyJoltTestClient

Base: Any = create_declarative_base("shop")
shop_db = SqlDatabase(db_name="shop", variable_prefix="SHOP_")

article_tags = Table(
    "article_tags",
    Base.metadata,
    Column("article_id", ForeignKey("articles.id", ondelete="CASCADE"), primary_key=True),
    # No ON DELETE: a tag still used by an article cannot be deleted.
    Column("tag_id", ForeignKey("tags.id"), primary_key=True),
)


class Author(Base):
    __tablename__ = "authors"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(40))
    email: Mapped[str] = mapped_column(String(80), unique=True)


class Article(Base):
    __tablename__ = "articles"
    __table_args__ = (CheckConstraint("views >= 0", name="views_not_negative"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    author_id: Mapped[int] = mapped_column(ForeignKey("authors.id", ondelete="CASCADE"))
    title: Mapped[str] = mapped_column(String(100))
    views: Mapped[int] = mapped_column(default=0)
    tags: Mapped[list[Tag]] = relationship(
        secondary=article_tags, back_populates="articles", viewonly=True
    )


class Tag(Base):
    __tablename__ = "tags"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(30), unique=True)
    articles: Mapped[list[Article]] = relationship(
        secondary=article_tags, back_populates="tags", viewonly=True
    )


class Favourite(Base):
    __tablename__ = "favourites"

    id: Mapped[int] = mapped_column(primary_key=True)
    article_id: Mapped[int] = mapped_column(ForeignKey("articles.id", ondelete="CASCADE"))
    reader: Mapped[str] = mapped_column(String(40))


MODELS = [Author, Article, Tag, Favourite]


class AuthorData(BaseModel):
    name: str
    email: str


class ArticleData(BaseModel):
    author_id: int
    # Optional and unchecked on purpose: the database's constraints are what is tested.
    title: str | None = None
    views: int = 0


class TagData(BaseModel):
    name: str


@path("/api")
class ShopApi(Controller):
    @post("/authors")
    @consumes(MediaType.APPLICATION_JSON)
    @produces(MediaType.APPLICATION_JSON)
    @shop_db.managed_session
    async def create_author(
        self, req: Request, data: AuthorData, session: AsyncSession
    ) -> Response[Any]:
        author = Author(name=data.name, email=data.email)
        session.add(author)
        await session.commit()
        return req.response.json({"id": author.id}).status(HttpStatus.CREATED)

    @delete_route("/authors/<int:author_id>")
    @shop_db.managed_session
    async def delete_author(self, req: Request, author_id: int, session: AsyncSession) -> Response:
        await session.execute(delete(Author).where(Author.id == author_id))
        await session.commit()
        return req.response.no_content()

    @post("/articles")
    @consumes(MediaType.APPLICATION_JSON)
    @produces(MediaType.APPLICATION_JSON)
    @shop_db.managed_session
    async def create_article(
        self, req: Request, data: ArticleData, session: AsyncSession
    ) -> Response[Any]:
        article = Article(author_id=data.author_id, title=data.title, views=data.views)
        session.add(article)
        await session.commit()
        return req.response.json({"id": article.id}).status(HttpStatus.CREATED)

    @post("/tags")
    @consumes(MediaType.APPLICATION_JSON)
    @produces(MediaType.APPLICATION_JSON)
    @shop_db.managed_session
    async def create_tag(self, req: Request, data: TagData, session: AsyncSession) -> Response:
        tag = Tag(name=data.name)
        session.add(tag)
        await session.commit()
        return req.response.json({"id": tag.id}).status(HttpStatus.CREATED)

    @post("/articles/<int:article_id>/tags/<int:tag_id>")
    @produces(MediaType.APPLICATION_JSON)
    @shop_db.managed_session
    async def tag_article(
        self, req: Request, article_id: int, tag_id: int, session: AsyncSession
    ) -> Response:
        await session.execute(insert(article_tags).values(article_id=article_id, tag_id=tag_id))
        await session.commit()
        return req.response.json({"article_id": article_id, "tag_id": tag_id}).status(
            HttpStatus.CREATED
        )

    @delete_route("/tags/<int:tag_id>")
    @shop_db.managed_session
    async def delete_tag(self, req: Request, tag_id: int, session: AsyncSession) -> Response:
        await session.execute(delete(Tag).where(Tag.id == tag_id))
        await session.commit()
        return req.response.no_content()


@dataclass
class Shop:
    """A running shop app: its test client and its database extension."""

    app: PyJolt
    client: PyJoltTestClient
    db: SqlDatabase


@asynccontextmanager
async def serve_shop(
    url: str,
    tmp_path: Path,
    *,
    handlers: list[type[ExceptionHandler]] | None = None,
    **config: Any,
) -> AsyncIterator[Shop]:
    """The shop API on the database at ``url``, its tables created, started and stopped."""
    app = PyJolt(BaseConfig(BASE_PATH=str(tmp_path), DEBUG=False, SHOP_DATABASE_URI=url, **config))
    shop_db.init_app(app)
    app.models.extend(MODELS)
    app.register_controller(ShopApi)
    for handler in handlers or []:
        app.register_exception_handler(handler)
    async with PyJoltTestClient(app) as client:
        await shop_db.create_all()
        yield Shop(app, client, shop_db)
