import pytest
from rest_framework.test import APIClient

from partners.choices import Role
from reporting.reference_data import reference_data_load
from tests.factories import PartnerFactory, UserFactory, token_for


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """The real reference data (data/reference), loaded once for the whole run."""
    with django_db_blocker.unblock():
        reference_data_load()


@pytest.fixture(autouse=True)
def empty_cache():
    """Each test starts with an empty cache: rate-limit counters and cached figures of an
    earlier test (whose data generation was rolled back to the same number) must not leak."""
    from django.core.cache import cache

    from config.cache import breaker

    cache.clear()
    breaker.reset()  # a Redis outage of an earlier test is over


@pytest.fixture
def reload_reference_data(django_db_blocker):
    """Transactional tests end by emptying every table; put the reference data back.
    Request it before `transactional_db` so that it runs after the emptying. Also puts it
    back first if a transactional test that did not ask for this left the tables empty."""
    from reporting.locations.models import Location

    with django_db_blocker.unblock():
        if not Location.objects.exists():
            reference_data_load()
    yield
    with django_db_blocker.unblock():
        reference_data_load()


@pytest.fixture
def committed_data(reload_reference_data, transactional_db):
    """Rows committed for real (another process, a worker, reads them), on the reference
    data (put back if an earlier transactional test emptied the tables)."""
    from reporting.locations.models import Location

    if not Location.objects.exists():
        reference_data_load()


def codes(response, key="code"):
    assert response.status_code == 200, response.content
    return [row[key] for row in response.json()["results"]]


class Api:
    """An API client signed in with a real bearer token, as a partner system would be."""

    def __init__(self, user=None):
        self.user = user
        self.client = APIClient()
        if user is not None:
            self.client.credentials(HTTP_AUTHORIZATION=f"Bearer {token_for(user)}")

    def __getattr__(self, name):
        method = getattr(self.client, name)

        def call(path, data=None, **kwargs):
            kwargs.setdefault("format", "json") if name not in ("get", "head") else None
            return method(path, data, **kwargs)

        return call


@pytest.fixture
def make_api(db):
    def make(role: str = Role.REPORTER, partner: str = "ACNUR", **extra) -> Api:
        return Api(UserFactory(role=role, partner=PartnerFactory(code=partner), **extra))

    return make


@pytest.fixture
def anonymous(db) -> Api:
    return Api()


@pytest.fixture
def reporter(make_api) -> Api:
    return make_api(Role.REPORTER, "ACNUR")


@pytest.fixture
def viewer(make_api) -> Api:
    return make_api(Role.VIEWER, "ACNUR")


@pytest.fixture
def other_reporter(make_api) -> Api:
    return make_api(Role.REPORTER, "OIM")


@pytest.fixture
def analyst(make_api) -> Api:
    return make_api(Role.ANALYST, "OCHA")


@pytest.fixture
def coordinator(make_api) -> Api:
    return make_api(Role.COORDINATOR, "GTRM")


def pytest_report_header(config):
    from django.conf import settings

    db = settings.DATABASES["default"]
    return f"database: {db['ENGINE'].rsplit('.', 1)[-1]} {db.get('NAME')}"
