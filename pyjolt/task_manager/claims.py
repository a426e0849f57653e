"""Claim stores: one process in the cluster wins each key, without a leader.

A scheduled job's fire is claimed on ``fire:<job id>:<scheduled time>`` before it runs;
whoever stores the key first runs the fire, everyone else skips it. A store also holds
the ``without_overlapping`` locks and the list of jobs that failed for good.

* :class:`RedisClaimStore`: ``SET key token NX PX ttl`` (one round trip, atomic);
* :class:`DatabaseClaimStore`: an ``INSERT`` on a primary key, through the app's
  SqlDatabase, for apps that have a database and no Redis;
* :class:`LocalClaimStore`: a dictionary, correct only inside one process (development).
"""

from __future__ import annotations

import json
import logging
import time
import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, Protocol

from ..importing import import_optional

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncEngine

logger = logging.getLogger(__name__)

#: How many failed jobs a store keeps (the oldest go first).
MAX_FAILED_RECORDS = 1000
CLAIMS_TABLE = "pyjolt_task_claims"
FAILED_TABLE = "pyjolt_failed_jobs"
#: Tables PyJolt manages itself; migrations leave them alone.
OWN_TABLES = frozenset({CLAIMS_TABLE, FAILED_TABLE})


class ClaimStore(Protocol):
    """Where claims, locks and failed jobs live; shared by every process of the app."""

    shared: bool

    async def start(self) -> None: ...

    async def close(self) -> None: ...

    async def claim(self, key: str, ttl: float) -> str | None:
        """Take ``key`` for ``ttl`` seconds: a token when this caller won, None otherwise."""

    async def release(self, key: str, token: str) -> None:
        """Give ``key`` back, if ``token`` still holds it."""

    async def add_failed(self, record: dict[str, Any]) -> None:
        """Remember a job that failed for good (newest first, at most 1000)."""

    async def failed(self, limit: int = 100) -> list[dict[str, Any]]:
        """The most recent failed jobs, newest first."""


class LocalClaimStore:
    """Claims inside one process: right for development, wrong for several processes."""

    shared = False

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._keys: dict[str, tuple[str, float]] = {}
        self._failed: list[dict[str, Any]] = []

    async def start(self) -> None:
        return None

    async def close(self) -> None:
        return None

    async def claim(self, key: str, ttl: float) -> str | None:
        now = self._clock()
        held = self._keys.get(key)
        if held is not None and held[1] > now:
            return None
        if len(self._keys) > 10_000:
            self._keys = {k: v for k, v in self._keys.items() if v[1] > now}
        token = uuid.uuid4().hex
        self._keys[key] = (token, now + ttl)
        return token

    async def release(self, key: str, token: str) -> None:
        held = self._keys.get(key)
        if held is not None and held[0] == token:
            del self._keys[key]

    async def add_failed(self, record: dict[str, Any]) -> None:
        self._failed.insert(0, record)
        del self._failed[MAX_FAILED_RECORDS:]

    async def failed(self, limit: int = 100) -> list[dict[str, Any]]:
        return self._failed[:limit]


# Deletes the key only while it still holds the caller's token.
_RELEASE_SCRIPT = """
if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) end
return 0
"""


class RedisClaimStore:
    """Claims as Redis keys under ``key_prefix`` that expire by themselves."""

    shared = True

    def __init__(self, url: str, key_prefix: str = "pyjolt:tasks:") -> None:
        self._redis = import_optional("redis.asyncio", "shared task claims", "queue")
        self.url = url
        self.key_prefix = key_prefix
        self._client: Any = None

    @property
    def client(self) -> Any:
        if self._client is None:
            self._client = self._redis.Redis.from_url(self.url)
        return self._client

    async def start(self) -> None:
        await self.client.ping()

    async def close(self) -> None:
        client, self._client = self._client, None
        if client is not None:
            await client.aclose()

    async def claim(self, key: str, ttl: float) -> str | None:
        token = uuid.uuid4().hex
        won = await self.client.set(
            self.key_prefix + key, token, nx=True, px=max(1, int(ttl * 1000))
        )
        return token if won else None

    async def release(self, key: str, token: str) -> None:
        await self.client.eval(_RELEASE_SCRIPT, 1, self.key_prefix + key, token)

    async def add_failed(self, record: dict[str, Any]) -> None:
        name = self.key_prefix + "failed"
        async with self.client.pipeline(transaction=True) as pipe:
            pipe.lpush(name, json.dumps(record, default=str))
            pipe.ltrim(name, 0, MAX_FAILED_RECORDS - 1)
            await pipe.execute()

    async def failed(self, limit: int = 100) -> list[dict[str, Any]]:
        rows = await self.client.lrange(self.key_prefix + "failed", 0, max(0, limit - 1))
        return [json.loads(row) for row in rows]


class DatabaseClaimStore:
    """Claims as rows of ``pyjolt_task_claims`` (primary key = claim key).

    The tables are created at startup when missing and are left out of migrations.
    Expired rows are deleted at most once a minute, so the table stays small.
    """

    shared = True

    def __init__(self, engine_source: Callable[[], AsyncEngine]) -> None:
        from sqlalchemy import Column, DateTime, Integer, MetaData, String, Table, Text

        self._engine_source = engine_source
        self.metadata = MetaData()
        self.claims = Table(
            CLAIMS_TABLE,
            self.metadata,
            Column("key", String(255), primary_key=True),
            Column("token", String(32), nullable=False),
            Column("expires_at", DateTime(timezone=True), nullable=False, index=True),
        )
        self.failed_jobs = Table(
            FAILED_TABLE,
            self.metadata,
            Column("id", Integer, primary_key=True, autoincrement=True),
            Column("failed_at", DateTime(timezone=True), nullable=False),
            Column("record", Text, nullable=False),
        )
        self._next_cleanup = 0.0

    @property
    def engine(self) -> AsyncEngine:
        return self._engine_source()

    async def start(self) -> None:
        async with self.engine.begin() as connection:
            await connection.run_sync(self.metadata.create_all, checkfirst=True)

    async def close(self) -> None:
        return None

    async def claim(self, key: str, ttl: float) -> str | None:
        from sqlalchemy import delete, insert
        from sqlalchemy.exc import IntegrityError

        now = datetime.now(UTC)
        token = uuid.uuid4().hex
        expires = datetime.fromtimestamp(now.timestamp() + ttl, UTC)
        async with self.engine.begin() as connection:
            # An expired holder of the same key (a lock whose process died) gives way.
            await connection.execute(
                delete(self.claims).where(self.claims.c.key == key, self.claims.c.expires_at < now)
            )
        try:
            async with self.engine.begin() as connection:
                await connection.execute(
                    insert(self.claims).values(key=key, token=token, expires_at=expires)
                )
        except IntegrityError:
            return None
        await self._cleanup(now)
        return token

    async def _cleanup(self, now: datetime) -> None:
        from sqlalchemy import delete

        if time.monotonic() < self._next_cleanup:
            return
        self._next_cleanup = time.monotonic() + 60
        async with self.engine.begin() as connection:
            await connection.execute(delete(self.claims).where(self.claims.c.expires_at < now))

    async def release(self, key: str, token: str) -> None:
        from sqlalchemy import delete

        async with self.engine.begin() as connection:
            await connection.execute(
                delete(self.claims).where(self.claims.c.key == key, self.claims.c.token == token)
            )

    async def add_failed(self, record: dict[str, Any]) -> None:
        from sqlalchemy import insert

        async with self.engine.begin() as connection:
            await connection.execute(
                insert(self.failed_jobs).values(
                    failed_at=datetime.now(UTC), record=json.dumps(record, default=str)
                )
            )

    async def failed(self, limit: int = 100) -> list[dict[str, Any]]:
        from sqlalchemy import select

        query = select(self.failed_jobs.c.record).order_by(self.failed_jobs.c.id.desc())
        async with self.engine.connect() as connection:
            rows = (await connection.execute(query.limit(limit))).scalars().all()
        return [json.loads(row) for row in rows]
