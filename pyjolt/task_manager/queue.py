"""The distributed job queue: taskiq brokers for Redis streams and RabbitMQ, retries with
backoff, and the failed list. taskiq is imported here only (``pyjolt[queue]``).

Delivery is at least once: a worker acknowledges a message only after the job ran
(taskiq's ``when_saved``), so a job whose worker dies mid-run is delivered again — by
RabbitMQ as soon as the connection drops, by Redis after ``TASK_MANAGER_REDELIVERY_TIMEOUT``
seconds without an acknowledgement.
"""

from __future__ import annotations

import asyncio
import logging
import random
from collections.abc import AsyncGenerator
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

from ..importing import import_optional
from .claims import ClaimStore

logger = logging.getLogger(__name__)

DEFAULT_QUEUE_NAME = "pyjolt"
DEFAULT_MAX_RETRIES = 3
DEFAULT_RETRY_DELAY = 1.0
DEFAULT_RETRY_MAX_DELAY = 60.0
DEFAULT_REDELIVERY_TIMEOUT = 600.0
REDIS_SCHEMES = frozenset({"redis", "rediss", "unix"})
AMQP_SCHEMES = frozenset({"amqp", "amqps"})


class QueueConfigError(ValueError):
    """TASK_MANAGER_BROKER_URL names no broker PyJolt knows."""


def _taskiq() -> Any:
    return import_optional("taskiq", "background jobs on a broker", "queue")


def broker_kind(url: str) -> str:
    """``"redis"`` or ``"amqp"`` for a broker URL; QueueConfigError otherwise."""
    scheme = urlsplit(url).scheme.lower()
    if scheme in REDIS_SCHEMES:
        return "redis"
    if scheme in AMQP_SCHEMES:
        return "amqp"
    raise QueueConfigError(
        f"TASK_MANAGER_BROKER_URL {scheme + '://...' if scheme else url!r}: use a redis:// "
        "(Redis streams) or amqp:// (RabbitMQ) URL"
    )


def create_broker(url: str, queue_name: str, redelivery_timeout: float) -> Any:
    """A taskiq broker for ``url`` (no connection is made until ``startup``)."""
    _taskiq()
    if broker_kind(url) == "redis":
        return _redis_broker_class()(
            url,
            queue_name=queue_name,
            consumer_group_name=queue_name,
            idle_timeout=max(1, int(redelivery_timeout * 1000)),
            xread_block=1000,
        )
    aio_pika = import_optional("taskiq_aio_pika", "RabbitMQ background jobs", "queue")
    from taskiq_aio_pika.exchange import Exchange
    from taskiq_aio_pika.queue import Queue

    return aio_pika.AioPikaBroker(
        url,
        exchange=Exchange(name=queue_name),
        task_queues=[Queue(name=queue_name, routing_key=queue_name)],
        dead_letter_queue=Queue(name=f"{queue_name}.dead_letter"),
    )


def _stop_if_cancelled() -> None:
    """Raise CancelledError if the current task was asked to stop and a library swallowed
    the request (``Task.cancelling()`` still counts it)."""
    task = asyncio.current_task()
    if task is not None and task.cancelling():
        raise asyncio.CancelledError


def _redis_broker_class() -> type:
    redis_broker = import_optional("taskiq_redis", "Redis background jobs", "queue")
    from redis.asyncio import Redis

    class RedisStreamJobBroker(redis_broker.RedisStreamBroker):  # type: ignore[name-defined]
        """taskiq-redis's stream broker, also reclaiming abandoned messages when idle.

        Upstream looks for messages another consumer left unacknowledged only after a
        read that returned new ones, so on a quiet queue the job of a killed worker
        would wait for the next enqueue. Here every read cycle, new messages or not,
        ends with an XAUTOCLAIM of messages idle longer than the redelivery timeout.

        The loop also ends once its task is being cancelled. On a stop the worker
        cancels the pending read; when that cancellation meets redis-py's read timeout
        it can surface as a timeout that redis-py retries, and the loop would go on
        reading forever with the worker waiting for it.
        """

        async def listen(self) -> AsyncGenerator[Any, None]:
            from taskiq import AckableMessage

            async with Redis(connection_pool=self.connection_pool) as conn:
                while True:
                    fetched: Any = await conn.xreadgroup(
                        self.consumer_group_name,
                        self.consumer_name,
                        {self.queue_name: ">"},
                        block=self.block,
                        noack=False,
                        count=self.count,
                    )
                    _stop_if_cancelled()
                    for stream, messages in fetched or []:
                        for message_id, message in messages:
                            yield AckableMessage(
                                data=message[b"data"],
                                ack=self._ack_generator(id=message_id, queue_name=stream),
                            )
                    autoclaimed: Any = await conn.xautoclaim(
                        name=self.queue_name,
                        groupname=self.consumer_group_name,
                        consumername=self.consumer_name,
                        min_idle_time=self.idle_timeout,
                        count=self.unacknowledged_batch_size,
                    )
                    _stop_if_cancelled()
                    for message_id, message in autoclaimed[1]:
                        if message is None:  # deleted from the stream meanwhile
                            continue
                        logger.warning(
                            "Redelivering job message %s: its worker did not acknowledge it "
                            "within the redelivery timeout",
                            message_id,
                        )
                        yield AckableMessage(
                            data=message[b"data"],
                            ack=self._ack_generator(id=message_id, queue_name=self.queue_name),
                        )

    return RedisStreamJobBroker


def retry_middleware(store: ClaimStore, max_retries: int, delay: float, max_delay: float) -> Any:
    """taskiq's SmartRetryMiddleware with exponential backoff and a failed list.

    The wait before a retry happens in the worker before the job is queued again; the
    message stays unacknowledged meanwhile, so a worker dying in that wait loses nothing.
    """
    from taskiq.middlewares import SmartRetryMiddleware

    class RetryWithBackoff(SmartRetryMiddleware):
        def make_delay(self, message: Any, retries: int) -> float:
            wait = min(delay * 2 ** (retries - 1), max_delay)
            return float(wait * (0.5 + random.random() / 2))  # jitter: 50-100 %

        async def on_send(self, kicker: Any, message: Any, wait: float) -> None:
            await asyncio.sleep(wait)
            await kicker.kiq(*message.args, **message.kwargs)

        async def on_error(self, message: Any, result: Any, exception: BaseException) -> None:
            attempt = int(message.labels.get("_retries", 0)) + 1
            limit = int(message.labels.get("max_retries", self.default_retry_count))
            if attempt < limit:
                logger.warning(
                    "Job %s (%s) failed on attempt %d of %d: %s: %s; retrying",
                    message.task_name,
                    message.task_id,
                    attempt,
                    limit,
                    type(exception).__name__,
                    exception,
                )
            await super().on_error(message, result, exception)
            if attempt >= limit:
                logger.error(
                    "Job %s (%s) failed for good after %d attempt(s): %s: %s",
                    message.task_name,
                    message.task_id,
                    attempt,
                    type(exception).__name__,
                    exception,
                )
                await store.add_failed(
                    {
                        "job_id": message.task_id,
                        "job": message.task_name,
                        "kwargs": message.kwargs,
                        "args": message.args,
                        "attempts": attempt,
                        "error": f"{type(exception).__name__}: {exception}",
                        "failed_at": datetime.now(UTC).isoformat(),
                    }
                )

    # max_retries counts attempts in taskiq: the first run plus the retries.
    return RetryWithBackoff(
        default_retry_count=max_retries + 1,
        default_retry_label=True,
        default_delay=delay,
        use_jitter=False,
    )
