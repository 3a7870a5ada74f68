"""
The benchmark: `make bench` runs this.

    .venv/bin/python bench/run.py [--sizes county england] [--skip-others]

For each size it creates the scratch PostgreSQL database dowimm_bench,
runs bench/pages.py in it (seed, page timings, throughput) and drops it;
then it runs bench/reminders.py, bench/pdf.py and bench/audit.py when they
are there. It writes bench/results.json and prints a table for the README.

BENCH_POSTGRES names the server (default postgres://postgres@127.0.0.1:5432).
"""

import argparse
import json
import os
import platform
import subprocess
import sys
import time
from pathlib import Path

import psycopg2

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
DATABASE = "dowimm_bench"
SERVER = os.environ.get("BENCH_POSTGRES", "postgres://postgres@127.0.0.1:5432")
# The aims, on 2 cores.
AIMS = {
    "p95_ms": {"county": 50, "england": 150},
    "queries": 12,
    "dashboard_database_ms_england": 10,
    "case_page_ratio": 1 / 3,
}


def say(line=""):
    sys.stdout.write(line + "\n")
    sys.stdout.flush()


def scratch_database(action):
    connection = psycopg2.connect(f"{SERVER}/postgres")
    connection.autocommit = True
    with connection.cursor() as cursor:
        cursor.execute(f"DROP DATABASE IF EXISTS {DATABASE} WITH (FORCE)")
        if action == "create":
            cursor.execute(f"CREATE DATABASE {DATABASE}")
    connection.close()


def machine():
    memory_kb = next(
        int(line.split()[1])
        for line in Path("/proc/meminfo").read_text().splitlines()
        if line.startswith("MemTotal")
    )
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor(),
    )
    return {
        "nproc": os.cpu_count(),
        "memory_gib": round(memory_kb / 2**20, 1),
        "cpu": cpu,
        "python": platform.python_version(),
        "postgresql": subprocess.run(
            ["psql", "--version"], capture_output=True, text=True
        ).stdout.strip(),
    }


def load_average():
    return Path("/proc/loadavg").read_text().split()[:3]


def run_size(size):
    scratch_database("create")
    out = BENCH / f".{size}.json"
    env = {**os.environ, "DATABASE_URL": f"{SERVER}/{DATABASE}"}
    env.pop("REDIS_URL", None)
    started = time.perf_counter()
    try:
        subprocess.run(
            [sys.executable, str(BENCH / "pages.py"), size, str(out)],
            cwd=ROOT,
            env=env,
            check=True,
        )
        result = json.loads(out.read_text())
    finally:
        scratch_database("drop")
        out.unlink(missing_ok=True)
    result["wall_seconds"] = round(time.perf_counter() - started, 1)
    return result


def run_other(script, args):
    """Another developer's bench script: its report is its output."""
    path = BENCH / script
    if not path.exists():
        return {"skipped": f"bench/{script} is not there"}
    env = {**os.environ, "DATABASE_URL": f"{SERVER}/{DATABASE}"}
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, str(path), *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    return {
        "command": f"bench/{script} {' '.join(args)}".strip(),
        "exit_status": done.returncode,
        "wall_seconds": round(time.perf_counter() - started, 1),
        "output": done.stdout.strip().splitlines(),
        "errors": done.stderr.strip().splitlines()[-5:] if done.returncode else [],
    }


def table(results):
    lines = [
        "| page | size | median ms | p95 ms | queries | database ms (median) |",
        "| --- | --- | ---: | ---: | ---: | ---: |",
    ]
    for size, result in results["sizes"].items():
        for name, page in result["pages"].items():
            lines.append(
                f"| {name} | {size} | {page['median_ms']} | {page['p95_ms']} | "
                f"{page['queries']} | {page['database_median_ms']} |"
            )
    lines += [
        "",
        "| under gunicorn (2 workers), wrk (8 connections) | size | requests/s "
        "| ratio to trivial |",
        "| --- | --- | ---: | ---: |",
    ]
    for size, result in results["sizes"].items():
        for name, load in result["throughput"].items():
            if isinstance(load, dict) and "requests_per_second" in load:
                lines.append(
                    f"| {name} | {size} | {load['requests_per_second']} | "
                    f"{load['ratio_to_trivial']} |"
                )
    m = results["machine"]
    lines.append("")
    lines.append(
        f"Machine: {m['nproc']} CPUs ({m['cpu']}), {m['memory_gib']} GiB, "
        f"{m['postgresql']}; load average before {' '.join(results['load_before'])}, "
        f"after {' '.join(results['load_after'])}."
    )
    return "\n".join(lines)


def aims(results):
    found = []
    for size, result in results["sizes"].items():
        limit = AIMS["p95_ms"][size]
        for name in ("FAET dashboard", "case page"):
            p95 = result["pages"][name]["p95_ms"]
            found.append((f"{name} p95 < {limit} ms ({size})", p95 < limit, p95))
        most = max(page["queries"] for page in result["pages"].values())
        found.append(
            (
                f"at most {AIMS['queries']} queries per page ({size})",
                most <= AIMS["queries"],
                most,
            )
        )
        load = result["throughput"].get("case page", {})
        if "ratio_to_trivial" in load:
            ratio = load["ratio_to_trivial"]
            found.append(
                (
                    f"case page >= 1/3 of trivial throughput ({size})",
                    ratio >= AIMS["case_page_ratio"],
                    ratio,
                )
            )
    if "england" in results["sizes"]:
        database = results["sizes"]["england"]["pages"]["FAET dashboard"][
            "database_median_ms"
        ]
        found.append(
            (
                "dashboard database work < 10 ms (england)",
                database < AIMS["dashboard_database_ms_england"],
                database,
            )
        )
    return [
        {"aim": aim, "met": met, "measured": measured} for aim, met, measured in found
    ]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[1])
    parser.add_argument("--sizes", nargs="+", default=["county", "england"])
    parser.add_argument(
        "--skip-others",
        action="store_true",
        help="skip bench/reminders.py, bench/pdf.py and bench/audit.py",
    )
    args = parser.parse_args()

    results = {"machine": machine(), "load_before": load_average(), "sizes": {}}
    for size in args.sizes:
        say(f"{size}: seeding and timing…")
        results["sizes"][size] = run_size(size)
    if not args.skip_others:
        say("reminders…")
        results["reminders"] = run_other(
            "reminders.py", ["--placements", "500", "5000"]
        )
        say("PDF agreement…")
        results["pdf"] = run_other("pdf.py", [])
        say("access events…")
        results["audit"] = run_other("audit.py", [])
    results["load_after"] = load_average()
    results["aims"] = aims(results)
    results["table"] = table(results)
    (BENCH / "results.json").write_text(json.dumps(results, indent=2) + "\n")
    say(results["table"])
    say()
    for aim in results["aims"]:
        verdict = "met" if aim["met"] else "NOT met"
        say(f"{verdict}: {aim['aim']} (measured {aim['measured']})")


if __name__ == "__main__":
    main()
