"""Vector columns and nearest-neighbour queries on SQLite (portable) and PostgreSQL (pgvector).

The semantic tests embed real sentences with all-MiniLM-L6-v2: a question must find
its paraphrase before sentences about other things, on both databases.
"""

from __future__ import annotations

import math
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text
from sqlalchemy.exc import StatementError

from pyjolt import BaseConfig, PyJolt
from pyjolt.ai import SentenceTransformerEmbeddings
from pyjolt.database import SqlDatabase
from pyjolt.database.vector import Vector, VectorDimensionError

from .conftest import create_vector_database, drop_vector_database
from .vector_models import Base, Passage, Point

BACKENDS = ["sqlite", "postgresql"]

CORPUS = [
    "How to change a flat tyre on a bicycle.",
    "A recipe for baking sourdough bread at home.",
    "Stock markets fell sharply on Monday morning.",
    "The kitten is asleep on the rug by the fire.",
    "Tips for learning to play the violin as an adult.",
    "The train to Paris was delayed by two hours.",
]
# (query, the corpus sentence it paraphrases)
PARAPHRASES = [
    ("My bike has a puncture, how do I repair the wheel?", CORPUS[0]),
    ("Instructions to make your own sourdough loaf.", CORPUS[1]),
    ("Share prices dropped steeply at the start of the week.", CORPUS[2]),
    ("A small cat is sleeping on the carpet near the fireplace.", CORPUS[3]),
]


@pytest.fixture(params=BACKENDS)
async def database(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[SqlDatabase]:
    base_url = None
    if request.param == "sqlite":
        uri = f"sqlite+aiosqlite:///{tmp_path / 'vectors.db'}"
    else:
        base_url = request.getfixturevalue("pgvector_base_url")
        uri = await create_vector_database(base_url)
    db = SqlDatabase()
    db.init_app(PyJolt(BaseConfig(DEBUG=False, DATABASE_URI=uri)))
    await db.connect()
    async with db.engine.begin() as connection:
        await connection.run_sync(Base.metadata.create_all)
    try:
        yield db
    finally:
        await db.disconnect()
        if base_url is not None:
            await drop_vector_database(base_url, uri)


async def store_corpus(db: SqlDatabase, embeddings: SentenceTransformerEmbeddings) -> None:
    vectors = await embeddings.embed(CORPUS)
    async with db.session() as session:
        session.add_all(
            Passage(text=sentence, embedding=vector)
            for sentence, vector in zip(CORPUS, vectors, strict=True)
        )
        await session.commit()


@pytest.mark.parametrize("metric", ["cosine", "l2", "inner_product"])
async def test_a_question_finds_its_paraphrase_first(
    database: SqlDatabase, local_embeddings: SentenceTransformerEmbeddings, metric: str
) -> None:
    await store_corpus(database, local_embeddings)
    for question, paraphrase in PARAPHRASES:
        vector = await local_embeddings.embed_one(question)
        async with database.session() as session:
            nearest = (
                await Passage.query(session)
                .nearest(Passage.embedding, vector, k=3, metric=metric)
                .all()
            )
        assert nearest[0].text == paraphrase, (question, [p.text for p in nearest])
        assert len(nearest) == 3


async def test_the_paraphrase_is_nearer_than_an_unrelated_sentence(
    database: SqlDatabase, local_embeddings: SentenceTransformerEmbeddings
) -> None:
    await store_corpus(database, local_embeddings)
    question = await local_embeddings.embed_one(PARAPHRASES[0][0])
    async with database.session() as session:
        rows = await Passage.query(session).values(
            Passage.text, Passage.embedding.cosine_distance(question)
        )
    distance = dict(rows)
    related, unrelated = distance[PARAPHRASES[0][1]], distance[CORPUS[2]]
    assert related < 0.6 < unrelated, distance


async def test_filters_still_apply_to_a_nearest_query(
    database: SqlDatabase, local_embeddings: SentenceTransformerEmbeddings
) -> None:
    await store_corpus(database, local_embeddings)
    vector = await local_embeddings.embed_one(PARAPHRASES[3][0])
    async with database.session() as session:
        query = Passage.query(session).where(Passage.text.not_like("%kitten%"))
        nearest = await query.nearest(Passage.embedding, vector, k=1).all()
    assert nearest[0].text != CORPUS[3]


async def test_vectors_come_back_as_float_lists(database: SqlDatabase) -> None:
    async with database.session() as session:
        session.add(Point(label="a", position=[1.5, -2.0, 0.25]))
        session.add(Point(label="none", position=None))
        await session.commit()
    async with database.session() as session:
        points = {p.label: p.position for p in await Point.query(session).all()}
    assert points == {"a": [1.5, -2.0, 0.25], "none": None}


@pytest.mark.parametrize(
    ("method", "expected"),
    [
        ("l2_distance", 3.0),  # from [1, 0, 0] to [0, 2, 2]
        ("inner_product", -(1 * 0 + 0 * 2 + 0 * 2)),
        ("cosine_distance", 1.0),
    ],
)
async def test_distances_match_their_definitions(
    database: SqlDatabase, method: str, expected: float
) -> None:
    async with database.session() as session:
        session.add(Point(label="x", position=[1.0, 0.0, 0.0]))
        await session.commit()
    async with database.session() as session:
        rows = await Point.query(session).values(getattr(Point.position, method)([0.0, 2.0, 2.0]))
    assert rows[0][0] == pytest.approx(expected)


async def test_ordering_by_each_distance_agrees_with_python(database: SqlDatabase) -> None:
    positions = {"near": [1.0, 1.0, 1.0], "far": [-3.0, 4.0, 0.5], "mid": [2.0, 0.0, 1.0]}
    async with database.session() as session:
        session.add_all(Point(label=k, position=v) for k, v in positions.items())
        session.add(Point(label="no vector", position=None))  # never among the nearest
        await session.commit()
    target = [1.0, 1.0, 0.9]
    expected = sorted(positions, key=lambda k: math.dist(positions[k], target))
    async with database.session() as session:
        found = await Point.query(session).nearest(Point.position, target, k=4, metric="l2").all()
    assert [p.label for p in found] == expected


@pytest.mark.parametrize("value", [[1.0, 2.0], [1.0, 2.0, 3.0, 4.0], [1.0, float("nan"), 0.0]])
async def test_a_vector_of_the_wrong_shape_is_refused(database: SqlDatabase, value: Any) -> None:
    async with database.session() as session:
        session.add(Point(label="bad", position=value))
        with pytest.raises(StatementError) as caught:
            await session.commit()
    assert isinstance(caught.value.orig, VectorDimensionError)


async def test_the_hnsw_index_exists_only_on_postgresql(database: SqlDatabase) -> None:
    async with database.engine.connect() as connection:
        if connection.dialect.name == "postgresql":
            result = await connection.execute(
                text("SELECT indexdef FROM pg_indexes WHERE indexname = :n"),
                {"n": "ix_passages_embedding_hnsw"},
            )
            definition = result.scalar_one()
            assert "USING hnsw" in definition
            assert "vector_cosine_ops" in definition
            assert "m='16'" in definition.replace(" ", "")
        else:
            result = await connection.execute(
                text("SELECT name FROM sqlite_master WHERE type = 'index' AND name = :n"),
                {"n": "ix_passages_embedding_hnsw"},
            )
            assert result.first() is None


async def test_postgresql_stores_a_real_vector_column(pgvector_url: str) -> None:
    from sqlalchemy.ext.asyncio import create_async_engine

    engine = create_async_engine(pgvector_url)
    try:
        async with engine.begin() as connection:
            await connection.run_sync(Base.metadata.create_all)
            result = await connection.execute(
                text(
                    "SELECT format_type(atttypid, atttypmod) FROM pg_attribute "
                    "WHERE attrelid = 'passages'::regclass AND attname = 'embedding'"
                )
            )
            assert result.scalar_one() == "vector(384)"
    finally:
        await engine.dispose()


@pytest.mark.parametrize("dim", [0, -1, 16001, 2.5, True])
def test_vector_dimensions_are_checked(dim: Any) -> None:
    with pytest.raises(ValueError, match="dim must be an integer"):
        Vector(dim)


@pytest.mark.parametrize(("k", "metric"), [(0, "cosine"), (3, "manhattan")])
def test_nearest_refuses_bad_arguments(k: int, metric: str) -> None:
    with pytest.raises(ValueError):
        Point.query(
            object.__new__(__import__("sqlalchemy.ext.asyncio").ext.asyncio.AsyncSession)
        ).nearest(Point.position, [0, 0, 0], k=k, metric=metric)
