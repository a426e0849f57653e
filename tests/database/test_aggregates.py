"""Grouping and aggregates on AsyncQuery, on real rows in SQLite and PostgreSQL."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, insert
from sqlalchemy.ext.asyncio import AsyncSession

from pyjolt.database import AsyncQuery

from .shop import Article, Author, Favourite, Tag, article_tags, serve_shop

# (author, title, views, tags, favourites)
ARTICLES = [
    ("Ada", "Notes", 10, ["python", "sql"], 3),
    ("Ada", "Engines", 30, ["python"], 0),
    ("Alan", "Machines", 5, ["python", "rust"], 1),
    ("Grace", "Bugs", 0, ["sql"], 0),
    ("Grace", "COBOL", 50, ["python"], 2),
    ("Grace", "Nanoseconds", 5, [], 0),
]


@dataclass
class Seeded:
    session: AsyncSession
    author_ids: dict[str, int]
    article_ids: dict[str, int]


@pytest.fixture
async def seeded(database_url: str, tmp_path: Path) -> AsyncIterator[Seeded]:
    async with serve_shop(database_url, tmp_path) as shop, shop.db.session() as session:
        authors = {
            name: Author(name=name, email=f"{name}@example.com")
            for name in ("Ada", "Alan", "Grace")
        }
        tags = {name: Tag(name=name) for name in ("python", "sql", "rust")}
        session.add_all([*authors.values(), *tags.values()])
        await session.flush()
        articles = {}
        for author, title, views, _, _ in ARTICLES:
            articles[title] = Article(author_id=authors[author].id, title=title, views=views)
        session.add_all(articles.values())
        await session.flush()
        for _, title, _, tag_names, favourites in ARTICLES:
            article_id = articles[title].id
            for name in tag_names:
                await session.execute(
                    insert(article_tags).values(article_id=article_id, tag_id=tags[name].id)
                )
            session.add_all(
                Favourite(article_id=article_id, reader=f"reader{n}") for n in range(favourites)
            )
        await session.commit()
        yield Seeded(
            session,
            {name: author.id for name, author in authors.items()},
            {title: article.id for title, article in articles.items()},
        )


async def test_count_by_counts_rows_per_value(seeded: Seeded) -> None:
    ids = seeded.article_ids
    favourites = await Favourite.query(seeded.session).count_by(Favourite.article_id)
    assert favourites == {ids["Notes"]: 3, ids["Machines"]: 1, ids["COBOL"]: 2}

    per_author = await Article.query(seeded.session).count_by("author_id")
    authors = seeded.author_ids
    assert per_author == {authors["Ada"]: 2, authors["Alan"]: 1, authors["Grace"]: 3}


async def test_count_by_runs_over_filters_and_joins_in_value_order(seeded: Seeded) -> None:
    tagged = Article.query(seeded.session).join(Article.tags)
    per_tag = await tagged.count_by(Tag.name)
    assert list(per_tag.items()) == [("python", 4), ("rust", 1), ("sql", 2)]

    popular = await tagged.filter(Article.views >= 10).count_by(Tag.name)
    assert popular == {"python": 3, "sql": 1}


async def test_sum_avg_min_max_over_all_rows(seeded: Seeded) -> None:
    articles = Article.query(seeded.session)
    assert await articles.sum(Article.views) == 100
    mean = await articles.avg("views")
    assert isinstance(mean, float) and mean == pytest.approx(100 / 6)
    assert await articles.min(Article.views) == 0
    assert await articles.max("views") == 50
    assert await articles.min(Article.title) == "Bugs"


async def test_aggregates_run_over_filters_and_joins(seeded: Seeded) -> None:
    graces = Article.query(seeded.session).filter_by(author_id=seeded.author_ids["Grace"])
    assert (await graces.sum("views"), await graces.min("views"), await graces.max("views")) == (
        55,
        0,
        50,
    )
    assert await graces.avg("views") == pytest.approx(55 / 3)

    python = Article.query(seeded.session).join(Article.tags).filter(Tag.name == "python")
    assert await python.sum(Article.views) == 95


async def test_aggregates_of_no_rows(seeded: Seeded) -> None:
    nothing = Article.query(seeded.session).filter(Article.views > 1000)
    assert await nothing.sum(Article.views) == 0
    assert await nothing.avg(Article.views) is None
    assert await nothing.min(Article.views) is None
    assert await nothing.max(Article.views) is None
    assert await nothing.count_by(Article.author_id) == {}


async def test_values_reads_groups_with_having_order_and_limit(seeded: Seeded) -> None:
    used = Tag.query(seeded.session).join(Tag.articles).group_by(Tag.name)
    top_two = (
        await used.order_by(func.count().desc(), Tag.name).limit(2).values(Tag.name, func.count())
    )
    assert [tuple(row) for row in top_two] == [("python", 4), ("sql", 2)]

    shared = await used.having(func.count() >= 2).order_by("name").values("name", func.count())
    assert [tuple(row) for row in shared] == [("python", 4), ("sql", 2)]

    views = await (
        Tag.query(seeded.session)
        .join(Tag.articles)
        .group_by(Tag.name)
        .order_by(Tag.name)
        .values(Tag.name, func.sum(Article.views).label("views"))
    )
    assert [(row.name, row.views) for row in views] == [("python", 95), ("rust", 5), ("sql", 10)]


async def test_values_keeps_filters_order_and_offset(seeded: Seeded) -> None:
    rows = await (
        Article.query(seeded.session)
        .filter(Article.views >= 5)
        .order_by(Article.views.desc(), Article.title)
        .offset(1)
        .values(Article.title, "views")
    )
    assert [tuple(row) for row in rows] == [
        ("Engines", 30),
        ("Notes", 10),
        ("Machines", 5),
        ("Nanoseconds", 5),
    ]


async def test_values_needs_a_column(seeded: Seeded) -> None:
    with pytest.raises(TypeError, match="at least one column"):
        await Article.query(seeded.session).values()


async def test_distinct_drops_rows_a_join_repeats(seeded: Seeded) -> None:
    tagged = (
        Article.query(seeded.session).join(Article.tags).filter(Tag.name.in_(["python", "sql"]))
    )
    assert await tagged.count() == 6  # "Notes" has both tags
    assert await tagged.distinct().count() == 5
    assert len(await tagged.distinct().all()) == 5
    authors = await tagged.distinct().values(Article.author_id)
    assert len(authors) == 3


async def test_count_counts_groups(seeded: Seeded) -> None:
    assert await Article.query(seeded.session).group_by(Article.author_id).count() == 3
    shared_tags = (
        Tag.query(seeded.session).join(Tag.articles).group_by(Tag.name).having(func.count() > 1)
    )
    assert await shared_tags.count() == 2


@pytest.mark.parametrize(
    ("shape", "named"),
    [
        (lambda q: q.limit(2), "limit()"),
        (lambda q: q.offset(1), "offset()"),
        (lambda q: q.group_by(Article.author_id), "group_by()"),
        (lambda q: q.group_by("author_id").having(func.count() > 1), "having()"),
        (lambda q: q.distinct(), "distinct()"),
    ],
    ids=["limit", "offset", "group_by", "having", "distinct"],
)
async def test_aggregates_refuse_what_they_cannot_honour(
    seeded: Seeded, shape: Callable[[AsyncQuery[Any]], AsyncQuery[Any]], named: str
) -> None:
    shaped = shape(Article.query(seeded.session))
    for aggregate in (shaped.sum, shaped.avg, shaped.min, shaped.max, shaped.count_by):
        with pytest.raises(TypeError, match="cannot honour .*" + re.escape(named)):
            await aggregate(Article.views)


async def test_removing_a_limit_lets_aggregates_run_again(seeded: Seeded) -> None:
    query = Article.query(seeded.session).limit(2).offset(1)
    assert await query.limit(None).offset(None).sum(Article.views) == 100
    assert await query.limit(None).offset(0).max(Article.views) == 50


@pytest.mark.parametrize("backend", ["postgresql"], indirect=True)
async def test_distinct_on_columns_keeps_the_first_row_of_each_value(seeded: Seeded) -> None:
    best = await (
        Article.query(seeded.session)
        .distinct(Article.author_id)
        .order_by(Article.author_id, Article.views.desc())
        .all()
    )
    assert [article.title for article in best] == ["Engines", "Machines", "COBOL"]


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
async def test_distinct_on_columns_is_refused_off_postgresql(seeded: Seeded) -> None:
    query = Article.query(seeded.session).distinct("author_id")
    with pytest.raises(NotImplementedError, match="only PostgreSQL supports"):
        await query.all()
