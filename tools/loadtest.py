"""Load test of the API with a real load generator (locust, headless) against ``uvicorn --workers 2``.

    python -m tools.loadtest [--seconds 30] [--users 1,10,50] [--memory-requests 10000] [--out var/loadtest]

Bounded: every phase has a fixed run time (the memory phase stops itself after ``--memory-requests``
requests, or at its own time limit), and the server is stopped at the end. Every request is a new question
(an eval question with a random reference appended), so the embedding cache never answers for the model.

Reported: throughput and p50/p95 per user count; the machine's limit, 2 cores ÷ the CPU time of one
``ask()`` (measured here, on the same kind of questions, just before the load); throughput as a share of it;
the servers' memory over the memory phase; and the load average, because this machine is shared.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import random
import string
import subprocess
import sys
import threading
import time
from pathlib import Path

from tools.net import free_port, http_ok

REPO = Path(__file__).resolve().parents[1]
QUESTIONS_FILE = REPO / "evaluation" / "questions.jsonl"
LOCUSTFILE = Path(__file__).with_name("locustfile.py")
CORES = 2


def questions() -> list[str]:
    """The single-turn questions of the evaluation set."""
    rows = [json.loads(line) for line in QUESTIONS_FILE.read_text(encoding="utf-8").splitlines() if line.strip()]
    return [r["question"] for r in rows if not r.get("history")]


def new_question(pool: list[str], rng: random.Random) -> str:
    """An eval question made new: a random six-letter reference defeats the embedding cache."""
    return f"{rng.choice(pool)} (ref. {''.join(rng.choices(string.ascii_lowercase, k=6))})"


def cpu_per_ask(n: int = 200) -> float:
    """CPU seconds of one ``Assistant.ask`` on new questions, in this process (after a warm-up)."""
    from assistant.core import Assistant

    bot = Assistant.load()
    pool, rng = questions(), random.Random(7)
    for _ in range(20):
        bot.ask(new_question(pool, rng))
    start = time.process_time()
    for _ in range(n):
        bot.ask(new_question(pool, rng))
    return (time.process_time() - start) / n


def _rss_mb(pid: int) -> float:
    """Resident memory of the server: the uvicorn parent and its worker processes."""
    import psutil

    parent = psutil.Process(pid)
    procs = [parent, *parent.children(recursive=True)]
    total = 0
    for p in procs:
        try:
            total += p.memory_info().rss
        except psutil.Error:
            pass
    return total / 2**20


def locust(host: str, users: int, seconds: int, out: Path, *, max_requests: int = 0) -> dict[str, float]:
    """One headless locust run; returns the aggregated numbers from its CSV."""
    prefix = out / f"u{users}{'-mem' if max_requests else ''}"
    env = dict(os.environ, LOADTEST_MAX_REQUESTS=str(max_requests))
    subprocess.run([sys.executable, "-m", "locust", "-f", str(LOCUSTFILE), "--headless", "--host", host,
                    "-u", str(users), "-r", str(users), "--run-time", f"{seconds}s", "--stop-timeout", "10",
                    "--csv", str(prefix), "--only-summary", "--loglevel", "WARNING"],
                   cwd=REPO, env=env, check=False, timeout=seconds + 120)
    with open(f"{prefix}_stats.csv", newline="") as f:
        row = next(r for r in csv.DictReader(f) if r["Name"] == "Aggregated")
    return {"users": users, "requests": int(row["Request Count"]), "failures": int(row["Failure Count"]),
            "rps": float(row["Requests/s"]), "p50_ms": float(row["50%"]), "p95_ms": float(row["95%"]),
            "p99_ms": float(row["99%"])}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=int, default=30, help="run time of each user-count phase")
    parser.add_argument("--users", default="1,10,50")
    parser.add_argument("--memory-requests", type=int, default=10_000)
    parser.add_argument("--memory-users", type=int, default=10)
    parser.add_argument("--out", type=Path, default=REPO / "var" / "loadtest")
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    from ui.api.server import single_threaded_math

    single_threaded_math()  # measure ask() as the server's workers run it (stdlib only was imported so far)

    print("measuring the CPU time of one ask() ...", flush=True)
    cpu = cpu_per_ask()
    limit = CORES / cpu
    port = free_port()
    host = f"http://127.0.0.1:{port}"
    env = dict(os.environ, HF_HUB_OFFLINE="1", LEVANGER_API_RATE_PER_SECOND="1000000",
               LEVANGER_API_RATE_BURST="1000000")  # one client address: the per-client limit would measure itself
    log = (args.out / "server.log").open("w")
    server = subprocess.Popen([sys.executable, "-m", "ui.api", "--port", str(port), "--workers", str(CORES)],
                              cwd=REPO, env=env, stdout=log, stderr=subprocess.STDOUT)
    results: list[dict[str, float]] = []
    memory: dict[str, float] = {}
    try:
        deadline = time.monotonic() + 600
        while not http_ok(host + "/readyz"):
            if server.poll() is not None or time.monotonic() > deadline:
                raise SystemExit("the server did not become ready; see " + str(args.out / "server.log"))
            time.sleep(0.5)
        time.sleep(2)  # both workers: /readyz may have been answered by the first
        locust(host, 2, 10, args.out)  # warm-up
        for users in (int(u) for u in args.users.split(",")):
            print(f"{users} users for {args.seconds} s ...", flush=True)
            results.append(locust(host, users, args.seconds, args.out))
        print(f"memory: {args.memory_requests} requests ...", flush=True)
        before = _rss_mb(server.pid)
        samples: list[float] = []
        done = threading.Event()

        def sample() -> None:
            while not done.wait(1.0):
                samples.append(_rss_mb(server.pid))

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        start = time.monotonic()
        try:
            mem = locust(host, args.memory_users, 900, args.out, max_requests=args.memory_requests)
        finally:
            done.set()
            sampler.join()
        after = _rss_mb(server.pid)
        quarter = len(samples) // 4
        memory = {"requests": mem["requests"], "failures": mem["failures"], "seconds": round(time.monotonic() - start),
                  "rss_before_mb": round(before, 1), "rss_after_mb": round(after, 1),
                  "rss_max_mb": round(max(samples + [after]), 1),
                  "rss_first_quarter_mb": round(samples[quarter], 1) if samples else 0.0}
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
        log.close()
    report = {"omp_num_threads": os.environ.get("OMP_NUM_THREADS", ""), "cpu_ms_per_ask": round(cpu * 1000, 2), "limit_rps": round(limit, 1), "phases": results,
              "memory": memory, "load_average": [round(x, 2) for x in os.getloadavg()],
              "when": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())}
    (args.out / "report.json").write_text(json.dumps(report, indent=2))
    print(markdown(report))
    return 0


def markdown(report: dict) -> str:
    """The README table."""
    single = report["phases"][0]["p50_ms"] if report["phases"] else 0
    lines = [f"CPU time of one ask() (new questions): {report['cpu_ms_per_ask']} ms -> limit "
             f"{CORES} cores / that = {report['limit_rps']} req/s; load average {report['load_average']}",
             "", "| users | requests | failures | req/s | share of limit | p50 ms | p95 ms | p95 / single |",
             "|---|---|---|---|---|---|---|---|"]
    for p in report["phases"]:
        lines.append(f"| {p['users']} | {p['requests']} | {p['failures']} | {p['rps']:.1f} | "
                     f"{p['rps'] / report['limit_rps']:.2f} | {p['p50_ms']:.0f} | {p['p95_ms']:.0f} | "
                     f"{p['p95_ms'] / single if single else 0:.1f} |")
    m = report["memory"]
    if m:
        lines += ["", f"memory over {m['requests']} requests ({m['failures']} failures, {m['seconds']} s), uvicorn "
                      f"parent + 2 workers: {m['rss_before_mb']} MB before, {m['rss_first_quarter_mb']} MB after a "
                      f"quarter, {m['rss_after_mb']} MB at the end, {m['rss_max_mb']} MB at most"]
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
