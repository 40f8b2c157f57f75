"""An article saved while Redis is down is not lost: it is sent once Redis answers again."""

from __future__ import annotations

import base64
import json
import subprocess
import time
from collections.abc import Iterator

import pytest
import redis

from claims.models import Article
from claims.services import article_ingest, articles_requeue_stalled
from factcheck.celery import app as celery_app
from tests.conftest import TEST_QUEUE, free_port, point_celery_at


class PrivateRedis:
    """A redis-server of the test's own on a spare loopback port, stopped and started at will."""

    def __init__(self, binary: str, port: int) -> None:
        self.binary = binary
        self.port = port
        self.url = f"redis://127.0.0.1:{port}/0"
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        self.process = subprocess.Popen(
            [
                self.binary,
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        client = redis.Redis.from_url(self.url, socket_connect_timeout=0.5)
        for _ in range(100):
            try:
                client.ping()
                return
            except redis.ConnectionError:
                time.sleep(0.05)
        raise RuntimeError("private redis-server did not start")

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=10)
            self.process = None


@pytest.fixture
def private_redis(redis_server_binary: str) -> Iterator[PrivateRedis]:
    server = PrivateRedis(redis_server_binary, free_port())
    server.start()
    old_url = celery_app.conf.broker_url
    point_celery_at(server.url)
    yield server
    server.stop()
    point_celery_at(old_url)


def queued_article_ids(url: str) -> list[int]:
    client = redis.Redis.from_url(url)
    ids = []
    for raw in client.lrange(TEST_QUEUE, 0, -1):
        message = json.loads(raw)
        _args, kwargs, _embed = json.loads(base64.b64decode(message["body"]))
        ids.append(kwargs["article_id"])
    return ids


@pytest.mark.django_db
def test_article_saved_while_redis_is_down_is_queued_again_when_it_returns(
    private_redis: PrivateRedis, django_capture_on_commit_callbacks
) -> None:
    private_redis.stop()

    with django_capture_on_commit_callbacks(execute=True):
        result = article_ingest(body="The tariff on Chinese goods reached 145% in April.")

    # Saved and visible, waiting: the failed send lost nothing.
    article = Article.objects.get(pk=result.article.pk)
    assert article.status == Article.Status.QUEUED
    # While Redis is still down the sweep sends nothing and keeps the article queued.
    assert articles_requeue_stalled(grace_seconds=0) == 0

    private_redis.start()
    assert articles_requeue_stalled(grace_seconds=0) == 1
    assert queued_article_ids(private_redis.url) == [article.pk]


@pytest.mark.django_db
def test_sending_with_redis_up_puts_one_message_on_the_queue(
    private_redis: PrivateRedis, django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        result = article_ingest(body="Exports fell 21% in May, the customs office said.")
    assert queued_article_ids(private_redis.url) == [result.article.pk]
