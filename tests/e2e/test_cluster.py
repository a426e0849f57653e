"""The app as a cluster of real processes on 127.0.0.1: web workers (``pyjolt run``), job
workers (``pyjolt worker``) and a second "host", sharing Redis, RabbitMQ and PostgreSQL.

- 1,000 jobs enqueued from requests each complete exactly once, with Redis and with
  RabbitMQ as the broker; a job whose worker is killed mid-run is finished by another;
  a job that keeps failing lands in the failed list after its retries.
- An every-second schedule run by 4 worker processes on one host and 2 on another fires
  exactly once per second for 20 s; killing the process that just claimed a fire loses
  no later fire. Claims in Redis, and in PostgreSQL for apps without Redis.
"""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest

from .test_uvicorn import copy_project, free_port, server_environment

BIN = Path(sys.executable).parent
POSTGRES_ENV = "PYJOLT_TEST_POSTGRES_URL"
REDIS_ENV = "PYJOLT_TEST_REDIS_URL"
RABBITMQ_ENVS = ("PYJOLT_TEST_RABBITMQ_URL", "PYJOLT_TEST_AMQP_URL")
STARTUP_TIMEOUT = 60.0
REDELIVERY_TIMEOUT = 6.0


def required_env(*names: str) -> str:
    for name in names:
        value = os.environ.get(name)
        if value:
            return value
    pytest.skip(f"{' or '.join(names)} is not set (see .ci/run for the URLs)")


def sync_postgres_url() -> str:
    return required_env(POSTGRES_ENV).replace("postgresql+asyncpg://", "postgresql://")


@dataclass
class Group:
    """One process group (a server or a worker pool) and its log."""

    process: subprocess.Popen[bytes]
    log: Path

    def output(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=40)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=10)


@dataclass
class Cluster:
    project: Path
    env: dict[str, str]
    tables: dict[str, str]
    groups: list[Group] = field(default_factory=list)

    def spawn(self, name: str, *command: str) -> Group:
        log = self.project / f"{name}.log"
        with log.open("wb") as out:
            process = subprocess.Popen(
                [str(BIN / "pyjolt"), *command],
                cwd=self.project,
                stdout=out,
                stderr=subprocess.STDOUT,
                env=self.env,
                start_new_session=True,
            )
        group = Group(process, log)
        self.groups.append(group)
        return group

    def web(self, name: str, workers: int) -> str:
        port = free_port()
        group = self.spawn(name, "run", "--port", str(port), "--workers", str(workers))
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + STARTUP_TIMEOUT
        while time.monotonic() < deadline:
            if group.process.poll() is not None:
                pytest.fail(f"{name} exited:\n{group.output()}")
            try:
                httpx.post(f"{base}/jobs/failed", timeout=2)
                return base
            except httpx.TransportError:
                time.sleep(0.3)
        pytest.fail(f"{name} did not start:\n{group.output()}")

    def workers(self, name: str, count: int) -> Group:
        group = self.spawn(name, "worker", "--workers", str(count), "--shutdown-timeout", "5")
        deadline = time.monotonic() + STARTUP_TIMEOUT
        while time.monotonic() < deadline:
            if group.process.poll() is not None:
                pytest.fail(f"{name} exited:\n{group.output()}")
            if group.output().count("Worker ") >= count and "started app:Application" in (
                group.output()
            ):
                return group
            time.sleep(0.3)
        pytest.fail(f"{name} did not start:\n{group.output()}")

    def stop(self) -> None:
        for group in reversed(self.groups):
            group.stop()
        self.groups.clear()

    def logs(self) -> str:
        return "\n".join(f"--- {group.log.name}\n{group.output()[-4000:]}" for group in self.groups)

    def query(self, sql: str) -> list[tuple[object, ...]]:
        import psycopg

        with psycopg.connect(sync_postgres_url(), autocommit=True) as connection:
            cursor = connection.execute(sql.format(**self.tables))
            return list(cursor.fetchall()) if cursor.description else []


def make_cluster(tmp_path: Path, **config: str) -> Cluster:
    suffix = uuid.uuid4().hex[:10]
    tables = {
        "results": f"cluster_results_{suffix}",
        "fires": f"cluster_fires_{suffix}",
        "starts": f"cluster_starts_{suffix}",
    }
    env = server_environment()
    env.update(
        {
            "DATABASE_URI": required_env(POSTGRES_ENV),
            "TASK_MANAGER_KEY_PREFIX": f"pyjolt-test:{suffix}:",
            "TASK_MANAGER_QUEUE_NAME": f"pyjolt-test-{suffix}",
            "TASK_MANAGER_REDELIVERY_TIMEOUT": str(REDELIVERY_TIMEOUT),
            "CLUSTER_RESULTS_TABLE": tables["results"],
            "CLUSTER_FIRES_TABLE": tables["fires"],
            "CLUSTER_STARTS_TABLE": tables["starts"],
            **config,
        }
    )
    cluster = Cluster(copy_project("cluster", tmp_path), env, tables)
    cluster.query(
        "CREATE TABLE {results} (id serial PRIMARY KEY, n int NOT NULL, pid int NOT NULL);"
        "CREATE TABLE {starts} (id serial PRIMARY KEY, n int NOT NULL, pid int NOT NULL);"
        "CREATE TABLE {fires} (id serial PRIMARY KEY, fire_ms bigint NOT NULL, pid int NOT NULL)"
    )
    return cluster


def clean_up(cluster: Cluster) -> None:
    cluster.stop()
    cluster.query("DROP TABLE IF EXISTS {results}, {starts}, {fires}")
    if cluster.env.get("TASK_MANAGER_CLAIM_STORE") == "database":
        cluster.query("DROP TABLE IF EXISTS pyjolt_task_claims, pyjolt_failed_jobs")
    prefix = cluster.env["TASK_MANAGER_KEY_PREFIX"]
    queue = cluster.env["TASK_MANAGER_QUEUE_NAME"]
    redis_url = os.environ.get(REDIS_ENV)
    if redis_url:
        import redis

        client = redis.Redis.from_url(redis_url)
        keys = [*client.scan_iter(match=f"{prefix}*"), queue, f"autoclaim:{queue}:{queue}"]
        client.delete(*keys)
        client.close()
    broker = cluster.env.get("TASK_MANAGER_BROKER_URL", "")
    if broker.startswith("amqp"):
        asyncio.run(delete_rabbitmq_queue(broker, queue))


async def delete_rabbitmq_queue(url: str, queue: str) -> None:
    import aio_pika

    connection = await aio_pika.connect(url)
    async with connection:
        channel = await connection.channel()
        for name in (queue, f"{queue}.dead_letter"):
            await channel.queue_delete(name)
        await channel.exchange_delete(queue)


def wait_for(predicate: object, timeout: float, message: str, cluster: Cluster) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():  # type: ignore[operator]
            return
        time.sleep(0.5)
    pytest.fail(f"{message} within {timeout} s\n{cluster.logs()}")


# --- background jobs ----------------------------------------------------------------------


def test_worker_without_a_broker_says_what_to_set(tmp_path: Path) -> None:
    project = copy_project("cluster", tmp_path)
    env = {**server_environment(), "DATABASE_URI": f"sqlite+aiosqlite:///{tmp_path / 'x.db'}"}
    done = subprocess.run(
        [str(BIN / "pyjolt"), "worker"], cwd=project, env=env, capture_output=True, text=True
    )
    assert done.returncode == 1
    assert "TASK_MANAGER_BROKER_URL" in done.stderr


@pytest.fixture(params=["redis", "rabbitmq"], scope="module")
def job_cluster(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[Cluster, str]]:
    if request.param == "redis":
        broker = required_env(REDIS_ENV)
        extra = {}
    else:
        broker = required_env(*RABBITMQ_ENVS)
        extra = {"TASK_MANAGER_REDIS_URL": required_env(REDIS_ENV)}
    cluster = make_cluster(
        tmp_path_factory.mktemp(f"jobs-{request.param}"),
        TASK_MANAGER_BROKER_URL=broker,
        **extra,
    )
    try:
        base = cluster.web("web", 2)
        cluster.workers("worker", 2)
        yield cluster, base
    finally:
        clean_up(cluster)


def test_a_thousand_jobs_from_requests_complete_exactly_once(
    job_cluster: tuple[Cluster, str],
) -> None:
    cluster, base = job_cluster

    started = time.monotonic()
    limits = httpx.Limits(max_connections=16, max_keepalive_connections=16)
    with httpx.Client(timeout=30, limits=limits) as client, ThreadPoolExecutor(16) as pool:
        statuses = list(
            pool.map(lambda n: client.post(f"{base}/jobs/record/{n}").status_code, range(1000))
        )
    assert statuses == [202] * 1000
    print(f"enqueued 1,000 jobs in {time.monotonic() - started:.1f} s")

    def all_done() -> bool:
        return cluster.query("SELECT count(*) FROM {results}")[0][0] >= 1000  # type: ignore[operator]

    wait_for(all_done, 120, "1,000 jobs did not complete", cluster)
    print(f"completed 1,000 jobs {time.monotonic() - started:.1f} s after the first request")
    time.sleep(REDELIVERY_TIMEOUT + 2)  # a duplicate delivery would show by now
    total, distinct = cluster.query("SELECT count(*), count(DISTINCT n) FROM {results}")[0]
    assert (total, distinct) == (1000, 1000)
    assert len(cluster.query("SELECT DISTINCT pid FROM {results}")) >= 1


def test_a_bad_argument_fails_in_the_request(job_cluster: tuple[Cluster, str]) -> None:
    _, base = job_cluster
    answer = httpx.post(f"{base}/jobs/bad")
    assert answer.status_code == 422
    assert answer.json()["errors"][0]["loc"] == ["n"]


def test_a_job_whose_worker_is_killed_is_finished_by_another(
    job_cluster: tuple[Cluster, str],
) -> None:
    cluster, base = job_cluster
    n = 100_000
    assert httpx.post(f"{base}/jobs/record/{n}?hold=4").status_code == 202

    def started() -> bool:
        return bool(cluster.query(f"SELECT pid FROM {{starts}} WHERE n = {n}"))

    wait_for(started, 30, "the held job did not start", cluster)
    victim = int(cluster.query(f"SELECT pid FROM {{starts}} WHERE n = {n}")[0][0])  # type: ignore[call-overload]
    os.kill(victim, signal.SIGKILL)

    def finished() -> bool:
        return bool(cluster.query(f"SELECT pid FROM {{results}} WHERE n = {n}"))

    wait_for(finished, REDELIVERY_TIMEOUT + 40, "the killed worker's job was not rerun", cluster)
    finishers = {row[0] for row in cluster.query(f"SELECT pid FROM {{results}} WHERE n = {n}")}
    assert victim not in finishers
    assert len(cluster.query(f"SELECT pid FROM {{results}} WHERE n = {n}")) == 1


def test_a_job_that_keeps_failing_lands_in_the_failed_list(
    job_cluster: tuple[Cluster, str],
) -> None:
    cluster, base = job_cluster
    job_id = httpx.post(f"{base}/jobs/fail/7").json()["job_id"]

    def listed() -> bool:
        return any(item["job_id"] == job_id for item in httpx.post(f"{base}/jobs/failed").json())

    wait_for(listed, 30, "the failing job is not in the failed list", cluster)
    record = next(i for i in httpx.post(f"{base}/jobs/failed").json() if i["job_id"] == job_id)
    assert record["job"] == "Tasks.always_fails"
    assert record["kwargs"] == {"n": 7}
    assert record["attempts"] == 2
    assert "job 7 cannot succeed" in record["error"]


# --- schedules ----------------------------------------------------------------------------


@pytest.mark.parametrize("store", ["redis", "database"])
def test_every_fire_runs_once_across_processes_and_hosts(tmp_path: Path, store: str) -> None:
    config = {"TASK_MANAGER_RUN_SCHEDULES": "true", "TASK_MANAGER_CLAIM_STORE": store}
    if store == "redis":
        config["TASK_MANAGER_BROKER_URL"] = required_env(REDIS_ENV)
    cluster = make_cluster(tmp_path, **config)
    try:
        cluster.web("host-a-web", 2)
        if store == "redis":
            cluster.workers("host-a-jobs", 2)
        else:
            cluster.web("host-a-web-2", 2)
        cluster.web("host-b-web", 2)
        started = time.time()
        time.sleep(8)
        # The process that claimed the latest fire dies; the others carry on.
        latest = cluster.query("SELECT pid, fire_ms FROM {fires} ORDER BY fire_ms DESC LIMIT 1")
        assert latest, cluster.logs()
        victim, killed_at_ms = int(latest[0][0]), int(latest[0][1])  # type: ignore[call-overload]
        os.kill(victim, signal.SIGKILL)
        time.sleep(max(0.0, started + 20 - time.time()))
        ended = time.time()
    finally:
        cluster.stop()
    try:
        rows = cluster.query("SELECT fire_ms, count(*) FROM {fires} GROUP BY fire_ms")
        pids = {row[0] for row in cluster.query("SELECT DISTINCT pid FROM {fires}")}
    finally:
        clean_up(cluster)
    counts = {int(ms): int(count) for ms, count in rows}  # type: ignore[call-overload]
    assert counts, "nothing fired"
    duplicated = {ms: count for ms, count in counts.items() if count != 1}
    assert not duplicated, f"fires run more than once: {duplicated}"
    # Every second from the first fire until shortly before the end, the kill included.
    first = min(counts)
    expected = set(range(first, int((ended - 2) * 1000), 1000))
    missing = sorted(expected - set(counts) - {killed_at_ms})
    assert not missing, f"fires lost: {missing} (killed pid {victim} at {killed_at_ms})"
    assert any(ms > killed_at_ms + 3000 for ms in counts)
    assert len(pids) > 1, "one process ran every fire"
    assert len(expected) >= 15
