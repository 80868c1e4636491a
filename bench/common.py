"""What the benchmarks share: paths, options, the bench environment and databases, gunicorn,
request timing and percentiles, targets, report tables and results files.

The scripts in bench/ are run as files (`python bench/bench_map.py`), so bench/ is on
sys.path and they `import common`; bench_machines.py, bench_matching_api.py and
test_bench_smoke.py also put bench/ on sys.path themselves first, as they do for bench_map.
Nothing here imports Django at module level: the scripts set the environment up before
`django.setup()`.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

BENCH_DIR = Path(__file__).resolve().parent
PROJECT_DIR = BENCH_DIR.parent
SRC_DIR = PROJECT_DIR / "src"
RESULTS_DIR = BENCH_DIR / "results"
# Where `collectstatic` writes for the benchmarks, so that the project's own is left alone.
STATIC_ROOT = RESULTS_DIR / "static"
PG_ADMIN_URL = "postgres://postgres@127.0.0.1:5432/postgres"


# --- statistics ------------------------------------------------------------------------


def percentile(values: Sequence[float], share: float) -> float:
    """Nearest-rank percentile (`share` from 0 to 1)."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)]


@dataclass(frozen=True)
class Timed:
    """Requests timed one at a time: each one's duration in ms, how many did not answer 200,
    and the body of the last answer."""

    durations_ms: list[float]
    errors: int
    body: bytes

    def figures(self, median_key: str = "median_ms") -> dict[str, Any]:
        """Count, errors, median (under `median_key`), p95, max and min, in ms to 0.01."""
        durations = self.durations_ms
        return {
            "requests": len(durations),
            "errors": self.errors,
            median_key: round(percentile(durations, 0.5), 2),
            "p95_ms": round(percentile(durations, 0.95), 2),
            "max_ms": round(max(durations), 2),
            "min_ms": round(min(durations), 2),
        }


def time_requests(send: Callable[[], tuple[int, bytes]], requests: int, warmup: int) -> Timed:
    """`warmup` untimed calls of `send` (which answers a status and a body), then `requests`
    timed ones."""
    for _ in range(warmup):
        send()
    durations: list[float] = []
    errors = 0
    body = b""
    for _ in range(requests):
        start = time.perf_counter()
        status, body = send()
        durations.append((time.perf_counter() - start) * 1000)
        errors += status != 200
    return Timed(durations, errors, body)


def time_calls(
    call: Callable[[], Any],
    requests: int,
    warmup: int,
    *,
    target_ms: float,
    count: str = "requests",
    size: str | None = "size",
) -> dict[str, Any]:
    """`warmup` untimed calls, then `requests` timed ones: p50, p95 and max in ms against the
    target; `size` names what the last call returned (rows, bytes), None to drop it."""
    for _ in range(warmup):
        call()
    durations: list[float] = []
    last: Any = None
    for _ in range(requests):
        start = time.perf_counter()
        last = call()
        durations.append((time.perf_counter() - start) * 1000)
    p95 = percentile(durations, 0.95)
    timing: dict[str, Any] = {
        count: requests,
        "p50_ms": round(percentile(durations, 0.5), 2),
        "p95_ms": round(p95, 2),
        "max_ms": round(max(durations), 2),
    }
    if size is not None:
        timing[size] = last
    timing["pass"] = p95 < target_ms
    return timing


# --- environment and machine -----------------------------------------------------------


def use_bench_environment(
    database_url: str,
    static_root: Path,
    *,
    log_level: str = "WARNING",
    extra: Mapping[str, str] | None = None,
) -> None:
    """Point this process at the bench database, before `django.setup()`.

    DEBUG off, static files served as they are (no manifest), STATIC_ROOT under
    bench/results/ so that the project's own is left alone; `extra` adds or overrides
    variables. The variables go into os.environ (which `start_gunicorn` is then given) and
    src/ onto sys.path.
    """
    env = {
        "DJANGO_SETTINGS_MODULE": "maillage.settings",
        "DATABASE_URL": database_url,
        "DEBUG": "0",
        "MAILLAGE_MANIFEST_STATIC": "0",
        "STATIC_ROOT": str(static_root),
        "LOG_LEVEL": log_level,
        # Every bench client comes from 127.0.0.1: the API rate limit would measure itself.
        "API_RATE_LIMIT": "1000000000",
        "API_RATE_LIMIT_PER_ACCOUNT": "1000000000",
        **(extra or {}),
    }
    os.environ.update(env)
    if str(SRC_DIR) not in sys.path:
        sys.path.insert(0, str(SRC_DIR))


def machine_info() -> dict[str, Any]:
    """CPU count and model, memory, Python and platform, for the results file."""
    info: dict[str, Any] = {
        "cpu_count": os.cpu_count(),
        "python": platform.python_version(),
        "platform": platform.platform(),
    }
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                info["cpu_model"] = line.split(":", 1)[1].strip()
                break
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                info["memory_mb"] = int(line.split()[1]) // 1024
                break
    except OSError:
        pass
    return info


# --- bench databases -------------------------------------------------------------------


def results_header(benchmark: str, machine: dict[str, Any] | None = None) -> dict[str, Any]:
    """The opening fields of every results file: which benchmark, when, on what machine."""
    return {
        "benchmark": benchmark,
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": machine_info() if machine is None else machine,
    }


def add_request_options(parser: argparse.ArgumentParser, *, requests: int, warmup: int) -> None:
    """`--requests`, `--warmup` and `--seed`, as the benchmarks that time requests take them."""
    parser.add_argument("--requests", type=int, default=requests, help="timed requests per case")
    parser.add_argument(
        "--warmup", type=int, default=warmup, help="untimed requests per case first"
    )
    parser.add_argument("--seed", type=int, default=2026)


def request_settings(args: argparse.Namespace) -> dict[str, Any]:
    """How the requests were timed (`add_request_options`), for the results file."""
    return {"requests_per_case": args.requests, "warmup_per_case": args.warmup, "seed": args.seed}


def add_postgres_options(parser: argparse.ArgumentParser, *, keep_db: bool = True) -> None:
    """`--pg-admin-url`, where the bench database is dropped and created, and `--keep-db`."""
    parser.add_argument("--pg-admin-url", default=PG_ADMIN_URL, help="for DROP/CREATE DATABASE")
    if keep_db:
        parser.add_argument(
            "--keep-db", action="store_true", help="leave the PostgreSQL bench database afterwards"
        )


def create_sqlite_database(path: Path) -> str:
    """Delete the SQLite file (and its journals) and return the DATABASE_URL of a fresh one."""
    for suffix in ("", "-wal", "-shm", "-journal"):
        Path(str(path) + suffix).unlink(missing_ok=True)
    return f"sqlite:///{path}"


def create_postgres_database(admin_url: str, name: str) -> str:
    """Drop (`WITH (FORCE)`) and create the database `name` through `admin_url`; its URL."""
    import psycopg

    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        conn.execute(f"CREATE DATABASE {name}")
    parts = urllib.parse.urlsplit(admin_url)
    return urllib.parse.urlunsplit(parts._replace(path="/" + name))


def drop_postgres_database(admin_url: str, name: str) -> None:
    import psycopg

    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def set_up_django(
    database: str,
    pg_admin_url: str,
    *,
    sqlite_file: Path,
    pg_name: str,
    static_root: Path = STATIC_ROOT,
) -> None:
    """Create an empty bench database (`sqlite_file`, or the PostgreSQL `pg_name`), point this
    process at it (`use_bench_environment`) and set Django up; bench/results/ is created."""
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    if database == "sqlite":
        database_url = create_sqlite_database(sqlite_file)
    else:
        database_url = create_postgres_database(pg_admin_url, pg_name)
    use_bench_environment(database_url, static_root)
    import django

    django.setup()


def release_database(database: str, pg_admin_url: str, pg_name: str, *, keep: bool) -> None:
    """At the end of a run: close Django's connection, then drop the PostgreSQL bench
    database unless `keep`."""
    from django.db import connection

    connection.close()
    if database == "postgres" and not keep:
        drop_postgres_database(pg_admin_url, pg_name)


def migrate_bench_database(label: str) -> float:
    """`migrate` the fresh bench database Django is set up on (communes and taxonomy
    included); the seconds it took."""
    from django.core.management import call_command

    print(f"Migrating a fresh {label} bench database …", flush=True)
    start = time.perf_counter()
    call_command("migrate", interactive=False, verbosity=0)
    return time.perf_counter() - start


def analyze_database() -> float:
    """`ANALYZE` the bench database, as autovacuum would shortly after a bulk load; seconds."""
    from django.db import connection

    start = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return time.perf_counter() - start


# --- gunicorn --------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass(frozen=True)
class Server:
    """A gunicorn started by `start_gunicorn`, answering on 127.0.0.1:`port`."""

    process: subprocess.Popen[bytes]
    port: int

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def stop(self) -> None:
        stop_server(self.process)


def start_gunicorn(
    env: Mapping[str, str],
    log_path: Path,
    *,
    workers: int = 2,
    threads: int | None = None,
    timeout_s: int = 120,
    extra_args: Sequence[str] = (),
    output_to_log: bool = False,
    ready_within_s: float = 60.0,
) -> Server:
    """Start `gunicorn maillage.wsgi` on 127.0.0.1, a free port; return once /health/ answers.

    Sync workers unless `threads` (gthread); gunicorn's own errors, at level warning, go to
    `log_path`. `output_to_log` also appends the server's stdout and stderr there (Django
    logs every 4xx on stderr), instead of leaving them on the terminal. `extra_args` go
    last on the command line (`--keep-alive 30`, `--config file`…). Raises if gunicorn
    exits or does not answer within `ready_within_s`; stop it with `Server.stop()`.
    """
    port = free_port()
    command = [
        sys.executable,
        "-m",
        "gunicorn",
        "maillage.wsgi",
        "-b",
        f"127.0.0.1:{port}",
        "-w",
        str(workers),
        *(["--threads", str(threads)] if threads is not None else []),
        "--chdir",
        str(PROJECT_DIR),
        "--pythonpath",
        str(SRC_DIR),
        "--timeout",
        str(timeout_s),
        "--log-level",
        "warning",
        "--error-logfile",
        str(log_path),
        *extra_args,
    ]
    if output_to_log:
        with log_path.open("ab") as log:
            process = subprocess.Popen(
                command, env=dict(env), cwd=PROJECT_DIR, stdout=log, stderr=subprocess.STDOUT
            )
    else:
        process = subprocess.Popen(command, env=dict(env), cwd=PROJECT_DIR)
    server = Server(process, port)
    deadline = time.monotonic() + ready_within_s
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"gunicorn exited with {process.returncode}; see {log_path}")
        try:
            with urllib.request.urlopen(server.base_url + "/health/", timeout=2) as response:
                if response.status == 200:
                    return server
        except OSError:
            time.sleep(0.2)
    stop_server(process)
    raise RuntimeError(
        f"gunicorn did not answer /health/ within {ready_within_s:g} s; see {log_path}"
    )


def stop_server(process: subprocess.Popen[bytes]) -> None:
    """SIGTERM, then SIGKILL if it is still there after 15 s."""
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


# --- report ----------------------------------------------------------------------------


def target(name: str, value: Any, wanted: str, passed: bool) -> dict[str, Any]:
    """One target of a results file: what is measured, its value, what is wanted, and
    whether it is met."""
    return {"name": name, "value": value, "target": wanted, "pass": passed}


def print_table_header(header: str, title: str = "") -> None:
    """A blank line, the table's title if any, its column titles and a rule under them."""
    print()
    if title:
        print(title)
    print(header)
    print("-" * len(header))


def write_results(path: Path, results: Mapping[str, Any]) -> None:
    """The results file: indented JSON, non-ASCII characters kept as they are."""
    path.write_text(json.dumps(results, indent=2, ensure_ascii=False, default=str) + "\n")


def print_title(name: str, where: str, machine: Mapping[str, Any], *, then: str = "") -> None:
    """A report's first line, after a blank one: the benchmark, its database if any
    (`where`), the CPUs and Python of the machine, then `then`."""
    print()
    print(
        f"Maillage {name} benchmark — {where + ', ' if where else ''}"
        f"{machine['cpu_count']} CPUs, Python {machine['python']}{then}"
    )


def print_targets(targets: Sequence[Mapping[str, Any]], name_width: int) -> None:
    """The closing lines of a report: PASS/FAIL, name, value and target of each target."""
    print()
    print("Targets:")
    for target in targets:
        print(
            f"  {'PASS' if target['pass'] else 'FAIL'}  {target['name']:<{name_width}} "
            f"{target['value']!s:>10}  {target['target']}"
        )
