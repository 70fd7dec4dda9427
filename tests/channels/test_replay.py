"""Slack replay protection in the shared store: a replayed event is dropped on every replica and after a
restart (Redis, as in production), with the in-process set as the fallback when no Redis is configured
(`make run`) or while Redis is down. Against a real redis-server when one is installed."""
from __future__ import annotations

import asyncio
import json
import time
import uuid

import pytest
from fakes import SLACK_SECRET, slack_headers
from test_slack import event, send

from channels import replay
from channels.replay import KEY_PREFIX, RecentIds, RedisReplay

NO_REDIS = "redis-server is not installed here (apt-get install redis-server): the Redis path is not tested"


@pytest.fixture
def redis_client(redis_url):
    if not redis_url:
        pytest.skip(NO_REDIS)
    import redis
    client = redis.Redis.from_url(redis_url)
    yield client
    client.close()


def run(coroutine):
    return asyncio.run(coroutine)


# --- the store itself -----------------------------------------------------------------------------
def test_without_redis_settings_ids_are_kept_in_process():
    store = replay.from_environment({})
    assert isinstance(store, RecentIds)
    assert isinstance(replay.from_environment({"REDIS_URL": "", "REDIS_HOST": ""}), RecentIds)

    async def twice():
        return await store.claim("Ev1", "post:x"), await store.claim("Ev1"), await store.claim("post:x")
    assert run(twice()) == (True, False, False)


def test_redis_settings_are_the_lock_stores():
    store = replay.from_environment({"REDIS_HOST": "redis", "REDIS_PORT": "6380", "REDIS_PASSWORD": "pw",
                                     "REDIS_DB": "2"})
    assert isinstance(store, RedisReplay)
    assert store.connection == {"host": "redis", "port": 6380, "password": "pw", "db": 2}
    assert "pw" not in replay.describe(store)
    by_url = replay.from_environment({"REDIS_URL": "redis://:pw@redis:6379/1", "REDIS_HOST": "other"})
    assert isinstance(by_url, RedisReplay) and by_url.url == "redis://:pw@redis:6379/1"
    assert "pw" not in replay.describe(by_url)


def test_every_replica_and_a_restarted_one_drop_a_replay(redis_url, redis_client):
    event_id = "Ev" + uuid.uuid4().hex[:10].upper()

    async def replicas():
        one, two = RedisReplay(redis_url), RedisReplay(redis_url)
        try:
            first = await one.claim(event_id)
            on_the_other = await two.claim(event_id)
        finally:
            await one.close()
            await two.close()
        restarted = RedisReplay(redis_url)  # a new process: nothing in memory
        try:
            after_restart = await restarted.claim(event_id)
        finally:
            await restarted.close()
        return first, on_the_other, after_restart

    assert run(replicas()) == (True, False, False)
    key = (KEY_PREFIX + event_id).encode()
    assert redis_client.get(key) == b"1"
    assert 0 < redis_client.ttl(key) <= replay.DEFAULT_TTL


def test_a_replay_of_any_of_the_ids_is_dropped(redis_url, redis_client):
    event_id, post = "Ev" + uuid.uuid4().hex[:8], "slack:post:" + uuid.uuid4().hex

    async def go():
        one, two = RedisReplay(redis_url), RedisReplay(redis_url)
        try:
            return (await one.claim(event_id, post),
                    await two.claim("Ev" + uuid.uuid4().hex[:8], post),  # same post, another event id
                    await two.claim("Ev" + uuid.uuid4().hex[:8], "slack:post:" + uuid.uuid4().hex))
        finally:
            await one.close()
            await two.close()
    assert run(go()) == (True, False, True)


def test_ids_expire_after_their_time(redis_url, redis_client):
    event_id = "Ev" + uuid.uuid4().hex[:8]

    async def go():
        store = RedisReplay(redis_url, ttl=1)
        try:
            first = await store.claim(event_id)
            store.local = RecentIds(1)  # forget in process too
            await asyncio.sleep(2.1)
            return first, await store.claim(event_id)
        finally:
            await store.close()
    assert run(go()) == (True, True)


def test_while_redis_is_down_the_process_still_drops_its_own_replays():
    async def go():
        store = RedisReplay("redis://127.0.0.1:9/1")  # nothing listens on port 9
        started = time.monotonic()
        try:
            results = (await store.claim("EvDOWN1"), await store.claim("EvDOWN1"),
                       await store.claim("EvDOWN2"))
        finally:
            await store.close()
        return results, time.monotonic() - started
    results, took = run(go())
    assert results == (True, False, True)
    assert took < 2.5, "an unreachable Redis must not hold up Slack's 3-second answer"


# --- over HTTP: the running server uses the shared store -------------------------------------------
def test_an_event_handled_by_another_replica_is_dropped(assistant, fake_slack, redis_client):
    if not getattr(assistant, "redis_url", None):
        pytest.skip(NO_REDIS)
    envelope = event("whats LPT")
    redis_client.set(KEY_PREFIX + "slack:event:" + envelope["event_id"], 1, ex=60)  # another replica had it
    assert send(assistant, envelope)[0] == 200
    control = event("hello")
    send(assistant, control)
    fake_slack.wait_for_posts(control["event"]["ts"])
    time.sleep(0.5)
    assert fake_slack.posts(envelope["event"]["ts"]) == []


def test_keys_name_the_event_and_no_person(assistant, fake_slack, redis_client):
    if not getattr(assistant, "redis_url", None):
        pytest.skip(NO_REDIS)
    envelope = event("whats LPT", user="U0SOMEONE9", channel="D0PRIVATE9", kind="message", channel_type="im")
    body = json.dumps(envelope).encode()
    assert send(assistant, envelope, slack_headers(SLACK_SECRET, body), body)[0] == 200
    fake_slack.wait_for_posts(envelope["event"]["ts"])
    keys = [k.decode() for k in redis_client.scan_iter(KEY_PREFIX + "slack:*")]  # the server's keys
    assert KEY_PREFIX + "slack:event:" + envelope["event_id"] in keys
    for key in keys:
        assert "U0SOMEONE9" not in key and "D0PRIVATE9" not in key and envelope["event"]["ts"] not in key
        assert redis_client.ttl(key) <= replay.DEFAULT_TTL and redis_client.ttl(key) != -1  # -1: no expiry
