"""MLTRACK_CACHE_URL: one Redis cache for every web process, its entries signed so that whoever can
write to that Redis cannot make a web process unpickle anything (common/shared_cache.py)."""

from __future__ import annotations

import logging
import os
import pickle
import re
import uuid

import pytest
from django.urls import reverse

from common.shared_cache import SignedPickleSerializer, SignedRedisCache, TamperedEntry
from tests.factories import make_model
from tests.test_settings import manage

REDIS_URL = os.environ.get("MLTRACK_TEST_CACHE_URL", "redis://127.0.0.1:6379/13")
RAN = []
# What differs from one response to the next whatever the cache: the CSRF token, masked anew for
# each, and the dashboard's "Updated" time.
PER_RESPONSE = re.compile(rb'(csrfmiddlewaretoken" value=|csrf-token" content=)"[^"]+"|Updated <time [^<]+</time>')


def _html(response) -> bytes:
    return PER_RESPONSE.sub(rb"\1", response.content)


def _ran() -> None:
    RAN.append(True)


class _Hostile:
    """A pickle that calls a function when it is read: what someone with the Redis would write."""

    def __reduce__(self):
        return (_ran, ())


@pytest.fixture(autouse=True)
def _nothing_ran():
    RAN.clear()


def test_entries_read_back_and_an_unsigned_pickle_is_refused_unread(settings):
    serializer = SignedPickleSerializer()
    assert serializer.loads(serializer.dumps({"count": 3, "rows": [("a", 1)]})) == {"count": 3, "rows": [("a", 1)]}
    for forged in (pickle.dumps(_Hostile()), b"\x00" * 32 + pickle.dumps(_Hostile()), b"short"):
        with pytest.raises(TamperedEntry):
            serializer.loads(forged)
    signed = serializer.dumps("kept")
    with pytest.raises(TamperedEntry):
        serializer.loads(signed[:-1] + b"!")  # the body changed under its signature
    assert RAN == []


def test_an_entry_signed_before_a_secret_key_rotation_still_reads(settings):
    old = SignedPickleSerializer().dumps("from before")
    settings.SECRET_KEY_FALLBACKS, settings.SECRET_KEY = [settings.SECRET_KEY], "a-new-secret-key-" + "x" * 50
    assert SignedPickleSerializer().loads(old) == "from before"
    settings.SECRET_KEY_FALLBACKS = []
    with pytest.raises(TamperedEntry):
        SignedPickleSerializer().loads(old)


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"MLTRACK_CACHE_URL": "memcached://user:s3cret@127.0.0.1:11211"},
         "MLTRACK_CACHE_URL must be a redis://, rediss:// or unix:// URL, not a memcached one"),
        ({"MLTRACK_CACHE_URL": "redis://127.0.0.1:6379", "CELERY_BROKER_URL": "redis://127.0.0.1:6379/0"},
         "MLTRACK_CACHE_URL must name another Redis database than CELERY_BROKER_URL"),
    ],
)
def test_a_bad_cache_url_stops_start_up_naming_it(tmp_path, env, message):
    result = manage("check", env=env, tmp_path=tmp_path)
    assert result.returncode != 0 and message in result.stderr and "s3cret" not in result.stderr


def test_the_cache_url_selects_the_signed_redis_cache(tmp_path):
    code = "from django.conf import settings; print(settings.CACHES['default']['BACKEND'], settings.CACHES['default']['LOCATION'])"
    result = manage("shell", "-c", code, tmp_path=tmp_path, env={"MLTRACK_CACHE_URL": "redis://cache.example:6379/2"})
    assert result.returncode == 0, result.stderr
    assert result.stdout.split()[-2:] == ["common.shared_cache.SignedRedisCache", "redis://cache.example:6379/2"]


# --- against a real Redis -------------------------------------------------------------------------


def _redis():
    import redis

    client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1)
    try:
        client.ping()
    except redis.exceptions.ConnectionError:
        # A fresh machine's first test run has no Redis; .ci/run starts one for its PostgreSQL and
        # Redis pass, where these tests run.
        pytest.skip(f"no Redis server at {REDIS_URL} (set MLTRACK_TEST_CACHE_URL; .ci/run starts one)")
    return client


@pytest.fixture
def redis_cache_settings():
    """A cache of its own in the Redis (its own key prefix), removed afterwards."""
    client = _redis()
    prefix = f"mltrack-test-{uuid.uuid4().hex}"
    yield {"BACKEND": "common.shared_cache.SignedRedisCache", "LOCATION": REDIS_URL, "KEY_PREFIX": prefix}
    keys = list(client.scan_iter(f"{prefix}:*"))
    if keys:
        client.delete(*keys)


def test_two_processes_share_entries_and_a_forged_entry_is_a_logged_miss(redis_cache_settings, caplog):
    one = SignedRedisCache(REDIS_URL, redis_cache_settings)
    other = SignedRedisCache(REDIS_URL, redis_cache_settings)  # another web process, the same Redis
    one.set("figures", {"overdue": 7})
    assert other.get("figures") == {"overdue": 7}
    assert other.get_or_set("computed-once", lambda: "by one") == "by one" == one.get("computed-once")

    _redis().set(one.make_key("figures"), pickle.dumps(_Hostile()))
    with caplog.at_level(logging.ERROR, logger="common.shared_cache"):
        assert other.get("figures", "miss") == "miss"
        assert other.get_many(["figures", "computed-once"]) == {"computed-once": "by one"}
    assert RAN == [] and "failed its signature" in caplog.text
    assert _redis().get(one.make_key("figures")) is None  # discarded


@pytest.mark.django_db
def test_the_console_pages_fill_the_shared_cache_and_survive_a_forged_one(client, alice, settings, redis_cache_settings):
    settings.CACHES = {"default": redis_cache_settings}
    model = make_model(model_name="shared-cache-model")
    client.force_login(alice)
    pages = [reverse("inventory:list"), reverse("reports:dashboard"), reverse("inventory:detail", args=[model.pk])]
    first = [client.get(url) for url in pages]
    assert [response.status_code for response in first] == [200, 200, 200]
    prefix = redis_cache_settings["KEY_PREFIX"]
    written = list(_redis().scan_iter(f"{prefix}:*"))
    assert written  # the pages' figures and fragments went to the Redis
    assert [_html(client.get(url)) for url in pages] == [_html(response) for response in first]

    for key in written:
        _redis().set(key, pickle.dumps(_Hostile()))
    again = [client.get(url) for url in pages]
    assert [response.status_code for response in again] == [200, 200, 200] and RAN == []
    assert [_html(response) for response in again] == [_html(response) for response in first]
