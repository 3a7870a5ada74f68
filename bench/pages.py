"""
One size of the benchmark, in a database that bench/run.py created:
migrate, seed, then time each page in this process with Django's test
client (median and p95 of the server time, queries, time in the database),
then the throughput of the case page, the dashboard and a trivial page
under gunicorn (2 workers) with wrk on 127.0.0.1.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/dowimm_bench \
        .venv/bin/python bench/pages.py county bench/county.json
"""

import json
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ["DJANGO_SETTINGS_MODULE"] = "bench.settings"

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.urls import reverse  # noqa: E402

from bench.seed import seed  # noqa: E402

TIMED = {"county": 40, "england": 20}
WARM_UP = 3
LOAD_SECONDS = 10
LOAD_CONNECTIONS = 8


def signed_in_client(user):
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    client = Client()
    client.force_login(user, backend="dowimm.accounts.backends.StaffBackend")
    device, _ = TOTPDevice.objects.get_or_create(
        user=user, name="Bench", defaults={"confirmed": True}
    )
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client


def percentile(values, share):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def time_page(client, url, repeats):
    for _ in range(WARM_UP):
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
    wall, database, queries = [], [], []
    for _ in range(repeats):
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            response = client.get(url)
            wall.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, (url, response.status_code)
        queries.append(len(captured.captured_queries))
        database.append(sum(float(q["time"]) for q in captured.captured_queries) * 1000)
    return {
        "url": url,
        "median_ms": round(statistics.median(wall), 1),
        "p95_ms": round(percentile(wall, 0.95), 1),
        "queries": max(queries),
        "database_median_ms": round(statistics.median(database), 1),
        "database_p95_ms": round(percentile(database, 0.95), 1),
        "bytes": len(response.content),
    }


def pages_to_time():
    from cases.models import Case

    case = (
        Case.objects.filter(state=Case.State.ACTIVE)
        .order_by("-started_on", "pk")
        .values_list("pk", flat=True)
        .first()
    )
    return {
        "case list": reverse("cases:list"),
        "case page": reverse("cases:detail", args=[case]),
        "FAET dashboard": reverse("cases:fair_access_dashboard"),
        "report: outcomes": reverse("reports:report", args=["outcomes"]),
        "report: moves per school": reverse("reports:report", args=["moves"]),
        "report: time in stage": reverse("reports:report", args=["time-in-stage"]),
        "report: SEN and care": reverse("reports:report", args=["disproportion"]),
        "queue: reviews overdue": reverse("reports:queue", args=["reviews-overdue"]),
        "CSV: moves per school": reverse(
            "reports:csv", args=["moves", "moves-per-school"]
        ),
    }


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wrk(url, cookie):
    out = subprocess.run(
        [
            "wrk",
            "-t2",
            f"-c{LOAD_CONNECTIONS}",
            f"-d{LOAD_SECONDS}s",
            "--latency",
            "-H",
            f"Cookie: {cookie}",
            url,
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    latency = dict(re.findall(r"\s+(50|99)%\s+([\d.]+\w+)", out))
    return {
        "requests_per_second": round(rate, 1),
        "non_2xx": int(errors.group(1)) if errors else 0,
        "latency_p50": latency.get("50"),
        "latency_p99": latency.get("99"),
    }


def throughput(client, urls):
    if not shutil.which("wrk"):
        return {"skipped": "wrk is not installed: apt-get install wrk"}
    port = free_port()
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "dowimm.wsgi",
            "--workers",
            "2",
            "--bind",
            f"127.0.0.1:{port}",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "bench.settings"},
    )
    try:
        base = f"http://127.0.0.1:{port}"
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.2)
        name = settings.SESSION_COOKIE_NAME
        cookie = f"{name}={client.cookies[name].value}"
        results = {}
        for name, url in urls.items():
            subprocess.run(
                ["wrk", "-t1", "-c2", "-d2s", "-H", f"Cookie: {cookie}", base + url],
                capture_output=True,
                check=True,
            )
            results[name] = wrk(base + url, cookie)
        trivial = results["trivial view"]["requests_per_second"]
        for result in results.values():
            result["ratio_to_trivial"] = round(
                result["requests_per_second"] / trivial, 2
            )
        return results
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)


def main():
    size, out = sys.argv[1], Path(sys.argv[2])
    from dowimm.accounts.models import User

    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    migrated = time.perf_counter()
    seeded = seed(size, settings.BENCH_NOW)
    seed_seconds = time.perf_counter() - migrated

    client = signed_in_client(User.objects.get(pk=seeded["faet"]))
    urls = pages_to_time()
    pages = {name: time_page(client, url, TIMED[size]) for name, url in urls.items()}
    load = throughput(
        client,
        {
            "trivial view": reverse("bench_trivial"),
            "case page": urls["case page"],
            "FAET dashboard": urls["FAET dashboard"],
        },
    )
    result = {
        "size": size,
        "rows": seeded["rows"],
        "migrate_seconds": round(migrated - started, 1),
        "seed_seconds": round(seed_seconds, 1),
        "pages": pages,
        "throughput": load,
    }
    out.write_text(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
