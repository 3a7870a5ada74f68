import logging

from django.conf import settings
from django.db import connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

logger = logging.getLogger(__name__)


def _database_answers():
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        return True
    except Exception:
        logger.exception("Health check: the database did not answer")
        return False


def _broker_answers():
    import redis

    try:
        client = redis.Redis.from_url(settings.REDIS_URL, socket_timeout=2)
        return bool(client.ping())
    except redis.RedisError:
        logger.exception("Health check: the Redis broker did not answer")
        return False


@require_GET
@never_cache
def healthz(request):
    checks = {"database": _database_answers()}
    if settings.REDIS_URL:
        checks["broker"] = _broker_answers()

    healthy = all(checks.values())
    body = {"status": "ok" if healthy else "unavailable"}
    body.update({name: "ok" if ok else "unavailable" for name, ok in checks.items()})
    return JsonResponse(body, status=200 if healthy else 503)
