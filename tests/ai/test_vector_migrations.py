"""Vector columns in migrations: autogenerate writes them, one migration builds both databases."""

from __future__ import annotations

from pathlib import Path

import asyncpg
import pytest
from sqlalchemy.engine import make_url

from ..e2e.helpers import environment, ok, pyjolt
from .conftest import create_vector_database, drop_vector_database

PASSAGE_MODEL = '''"""Passages and their embeddings."""

from pyjolt.database import Vector, hnsw_index
from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import Base


class Passage(Base):
    __tablename__ = "passages"
    __table_args__ = (hnsw_index("ix_passages_embedding_hnsw", "embedding"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    text: Mapped[str] = mapped_column(String(500))
    embedding: Mapped[list[float]] = mapped_column(Vector(384))
'''


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("vectors")
    ok(pyjolt("new-project", "vectors", "--defaults", cwd=root))
    project = root / "vectors"
    (project / "app/models/passage.py").write_text(PASSAGE_MODEL)
    configs = project / "app/configs.py"
    text = configs.read_text().replace(
        "MODELS: list[str] = [", 'MODELS: list[str] = [\n        "app.models.passage:Passage",'
    )
    configs.write_text(text)
    ok(pyjolt("db", "upgrade", cwd=project))  # the project's own first migration
    ok(pyjolt("db", "migrate", "-m", "passages", cwd=project))
    return project


def test_autogenerate_writes_the_vector_type_and_the_hnsw_index(project: Path) -> None:
    [migration] = (project / "app/migrations/versions").glob("*_passages.py")
    source = migration.read_text()
    assert "from pyjolt.database import Vector" in source
    assert "sa.Column('embedding', Vector(384), nullable=False)" in source
    assert "postgresql_using='hnsw'" in source
    assert "postgresql_ops={'embedding': 'vector_cosine_ops'}" in source


def test_the_migration_builds_sqlite(project: Path) -> None:
    ok(pyjolt("db", "upgrade", cwd=project))
    ok(pyjolt("db", "check", cwd=project))


async def test_the_same_migration_builds_postgresql_with_pgvector(
    project: Path, pgvector_base_url: str
) -> None:
    url = await create_vector_database(pgvector_base_url)
    try:
        env = {**environment(), "DATABASE_URI": url}
        ok(pyjolt("db", "upgrade", cwd=project, env=env))
        ok(pyjolt("db", "check", cwd=project, env=env))
        target = make_url(url)
        connection = await asyncpg.connect(
            host=target.host, port=target.port, user=target.username, database=target.database
        )
        try:
            definition = await connection.fetchval(
                "SELECT indexdef FROM pg_indexes WHERE indexname = 'ix_passages_embedding_hnsw'"
            )
            column = await connection.fetchval(
                "SELECT format_type(atttypid, atttypmod) FROM pg_attribute "
                "WHERE attrelid = 'passages'::regclass AND attname = 'embedding'"
            )
        finally:
            await connection.close()
        assert "USING hnsw (embedding vector_cosine_ops)" in definition
        assert column == "vector(384)"
    finally:
        await drop_vector_database(pgvector_base_url, url)
