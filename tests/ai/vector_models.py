"""Models with Vector columns for the vector search tests."""

from __future__ import annotations

from sqlalchemy import MetaData, String
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from pyjolt.database import NAMING_CONVENTION, AsyncQueryMixin
from pyjolt.database.vector import Vector, hnsw_index

MINILM_DIMENSIONS = 384


class Base(AsyncQueryMixin, DeclarativeBase):
    __db_name__ = "db"
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class Passage(Base):
    """A sentence and its all-MiniLM-L6-v2 embedding, with an HNSW index on PostgreSQL."""

    __tablename__ = "passages"
    __table_args__ = (hnsw_index("ix_passages_embedding_hnsw", "embedding", metric="cosine"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    text: Mapped[str] = mapped_column(String(500))
    embedding: Mapped[list[float]] = mapped_column(Vector(MINILM_DIMENSIONS))


class Point(Base):
    """Small vectors whose distances are easy to check by hand."""

    __tablename__ = "points"

    id: Mapped[int] = mapped_column(primary_key=True)
    label: Mapped[str] = mapped_column(String(20))
    position: Mapped[list[float] | None] = mapped_column(Vector(3), nullable=True)
