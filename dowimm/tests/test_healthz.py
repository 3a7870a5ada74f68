import pytest
from django.db import OperationalError, connections

UNANSWERED_BROKER_URL = "redis://127.0.0.1:1/0"


@pytest.fixture
def no_broker(settings):
    # CI exports REDIS_URL; without one only the database is checked.
    settings.REDIS_URL = ""


@pytest.mark.django_db
def test_healthy_without_a_broker(client, no_broker):
    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}
    assert "no-cache" in response["Cache-Control"]


@pytest.mark.django_db
def test_unavailable_when_the_database_does_not_answer(client, no_broker, monkeypatch):
    def refuse(*args, **kwargs):
        raise OperationalError("connection refused")

    # Patched on the class so the real method is back for the teardown.
    monkeypatch.setattr(type(connections["default"]), "cursor", refuse)

    response = client.get("/healthz")

    assert response.status_code == 503
    assert response.json() == {"status": "unavailable", "database": "unavailable"}


@pytest.mark.django_db
def test_unavailable_when_the_broker_does_not_answer(client, settings):
    settings.REDIS_URL = UNANSWERED_BROKER_URL

    response = client.get("/healthz")

    assert response.status_code == 503
    assert response.json() == {
        "status": "unavailable",
        "database": "ok",
        "broker": "unavailable",
    }


@pytest.mark.django_db
def test_healthy_when_the_broker_answers(client, settings, monkeypatch):
    settings.REDIS_URL = UNANSWERED_BROKER_URL
    monkeypatch.setattr("redis.Redis.ping", lambda self: True)

    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "broker": "ok"}


def test_only_get_is_allowed(client):
    response = client.post("/healthz")

    assert response.status_code == 405
