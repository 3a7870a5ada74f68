"""
How fast and how heavy rendering the DOWIMM Agreement is.

    DJANGO_DEBUG=true .venv/bin/python bench/pdf.py [--warm 20] [--batch 40]

Builds one planned case in a throwaway in-memory database, takes its
agreement's page HTML (what the render task lays out), then measures in
fresh worker processes, as a Celery worker would be:

- the first render in a new process (fonts are set up then), and warm ones;
- peak memory (maximum resident set size) of a worker;
- agreements per minute from 2 processes rendering side by side.

Not a test: the figures depend on the machine.
"""

import argparse
import io
import multiprocessing
import os
import resource
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dowimm.settings")
os.environ.setdefault("DJANGO_DEBUG", "true")
os.environ.setdefault("LOG_LEVEL", "WARNING")


def say(line):
    """The report is this script's output, not a log."""
    sys.stdout.write(line + "\n")


def agreement_html():
    import django

    django.setup()
    import time_machine
    from django.db import connection
    from django.test.utils import setup_test_environment

    setup_test_environment()
    # A test database left by a run that was stopped is replaced.
    connection.creation.create_test_db(verbosity=0, autoclobber=True)
    from cases.tests.factories import Cast
    from dowimm.documents import pdf
    from dowimm.documents.models import DocumentVersion
    from dowimm.documents.tests.factories import TODAY, plan_agreement

    with time_machine.travel(TODAY, tick=False):
        cast = Cast()
        case = plan_agreement(cast, cast.planning_case())
    version = DocumentVersion.objects.get(case=case, superseded_at__isnull=True)
    return pdf.page_html(version)


def _worker_setup():
    import django

    django.setup()


def first_and_warm(html, warm):
    """In a fresh process: (first render s, mean warm render s, pages, peak MB)."""
    _worker_setup()
    from pypdf import PdfReader

    from dowimm.documents.pdf import pdf_from_html

    started = time.perf_counter()
    data = pdf_from_html(html)
    first = time.perf_counter() - started
    started = time.perf_counter()
    for _ in range(warm):
        pdf_from_html(html)
    mean_warm = (time.perf_counter() - started) / warm
    pages = len(PdfReader(io.BytesIO(data)).pages)
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return first, mean_warm, pages, peak_mb


def render_many(args):
    html, count = args
    _worker_setup()
    from dowimm.documents.pdf import pdf_from_html

    for _ in range(count):
        pdf_from_html(html)
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[1])
    parser.add_argument("--warm", type=int, default=20, help="warm renders to time")
    parser.add_argument(
        "--batch", type=int, default=40, help="agreements for 2 workers"
    )
    options = parser.parse_args()

    html = agreement_html()
    spawn = multiprocessing.get_context("spawn")

    with spawn.Pool(1) as pool:
        first, warm, pages, peak = pool.apply(first_and_warm, (html, options.warm))
    say(f"agreement: {len(html):,} characters of HTML, {pages} pages of A4")
    say(f"first render in a fresh process: {first:.2f} s")
    say(f"warm render (mean of {options.warm}): {warm * 1000:.0f} ms")
    say(f"peak memory of the worker: {peak:.0f} MB")

    half = options.batch // 2
    started = time.perf_counter()
    with spawn.Pool(2) as pool:
        peaks = pool.map(render_many, [(html, half), (html, options.batch - half)])
    elapsed = time.perf_counter() - started
    say(
        f"2 worker processes: {options.batch} agreements in {elapsed:.1f} s, "
        f"{options.batch / elapsed * 60:.0f} a minute (start-up included), "
        f"peak {max(peaks):.0f} MB each"
    )


if __name__ == "__main__":
    main()
