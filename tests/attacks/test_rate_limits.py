"""Rate limits hold under concurrency, on every cache backend the service runs on, and
failed sign-ins are limited per client address."""

import os
import threading

import pytest
from django.core.management import call_command
from django.db import connection

from config.settings import redis_cache
from partners.choices import Role
from tests.conftest import Api
from tests.factories import PartnerFactory, UserFactory, token_for

BACKENDS = {
    "locmem": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "database": {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "r4v_cache"},
    "redis": redis_cache(os.environ.get("TEST_REDIS_URL", "")),  # production's settings
}


@pytest.fixture(params=list(BACKENDS))
def cache_backend(request, settings):
    if request.param == "redis" and not os.environ.get("TEST_REDIS_URL"):
        pytest.skip("set TEST_REDIS_URL (CI does) to test against a real Redis")
    settings.CACHES = {"default": BACKENDS[request.param]}
    from django.core.cache import cache

    if request.param == "database":
        call_command("createcachetable", verbosity=0)
    cache.clear()
    yield request.param
    cache.clear()


def _burst(api: Api, *, threads: int, each: int, path="/api/v1/me/") -> list[int]:
    statuses: list[int] = []
    start = threading.Barrier(threads)

    def send():
        start.wait()
        try:
            for _ in range(each):
                statuses.append(api.get(path).status_code)
        finally:
            connection.close()

    workers = [threading.Thread(target=send) for _ in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    return statuses


def test_one_token_from_six_threads_gets_exactly_its_limit(
    reload_reference_data, transactional_db, settings, cache_backend
):
    settings.API_RATE_LIMIT = "50/min"
    api = Api(UserFactory(role=Role.VIEWER, partner=PartnerFactory(code="ACNUR")))
    statuses = _burst(api, threads=6, each=20)
    assert statuses.count(200) == 50, (cache_backend, statuses.count(200))
    assert statuses.count(429) == 70


def test_failed_tokens_are_limited_per_address(
    reload_reference_data, transactional_db, settings, cache_backend
):
    settings.AUTH_FAILURE_RATE_LIMIT = "10/min"
    user = UserFactory(role=Role.VIEWER, partner=PartnerFactory(code="ACNUR"))
    guesser = Api()
    guesser.client.credentials(HTTP_AUTHORIZATION="Bearer not-a-token")
    statuses = _burst(guesser, threads=4, each=5)
    assert statuses.count(401) == 10 and statuses.count(429) == 10, statuses
    # Once over the limit, even the right token from that address waits: guessing is slow.
    guesser.client.credentials(HTTP_AUTHORIZATION=f"Bearer {token_for(user)}")
    refused = guesser.get("/api/v1/me/")
    assert refused.status_code == 429 and int(refused["Retry-After"]) > 0
    assert refused["Content-Type"] == "application/problem+json"
    # Another address is not affected.
    other = Api()
    other.client.credentials(HTTP_AUTHORIZATION=f"Bearer {token_for(user)}")
    assert other.get("/api/v1/me/", REMOTE_ADDR="10.9.8.7").status_code == 200


@pytest.mark.django_db
def test_a_spoofed_forwarded_for_does_not_dodge_the_limit(settings):
    settings.AUTH_FAILURE_RATE_LIMIT = "3/min"
    guesser = Api()
    guesser.client.credentials(HTTP_AUTHORIZATION="Bearer not-a-token")
    statuses = [
        guesser.get("/api/v1/me/", HTTP_X_FORWARDED_FOR=f"203.0.113.{n}").status_code
        for n in range(5)
    ]
    assert statuses == [401, 401, 401, 429, 429]


@pytest.mark.django_db
def test_admin_sign_in_is_limited_per_address(settings, client):
    settings.AUTH_FAILURE_RATE_LIMIT = "3/min"
    UserFactory(username="coord", role=Role.COORDINATOR, is_staff=True)
    attempts = [
        client.post("/admin/login/", {"username": "coord", "password": f"guess{n}"}).status_code
        for n in range(5)
    ]
    assert attempts == [200, 200, 200, 429, 429]  # 200: the form again, with its error
    refused = client.post("/admin/login/", {"username": "coord", "password": "x"})
    assert refused["Content-Type"] == "application/problem+json"
    assert refused.json()["code"] == "throttled"
