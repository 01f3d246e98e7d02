"""``make deploy-test``: build the images here, start compose.yaml's topology, load it through nginx and kill
one API replica halfway; then roll a new image over the replicas one by one, under load.

    python -m tools.deploy [--users 4] [--seconds 90] [--kill-at 25] [--kill-mode crash|docker-kill]
                           [--no-rolling] [--remove-images] [--out var/deploy-test]

Bounded: each load phase has a fixed run time, every wait has a limit, and whatever happens (an error,
Ctrl-C, SIGTERM) the containers and the volume it started are removed, and a daemon it started is stopped.
The images stay (they are the build's output) unless --remove-images. Writes report.json and report.md.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import sqlite3
import sys
import tempfile
import time
from pathlib import Path

from tools.deploy import docker as d
from tools.deploy import topology as topo
from tools.deploy.load import Load, summary, write_csv
from tools.deploy.report import markdown
from tools.deploy.rolling import roll

API, PROXY = "levanger-helse-api:1", "levanger-helse-proxy:1"
PROXY_PORT, FIRST_PORT = 18080, 18001
#: One client address for the whole load: the per-client rate limit would measure itself (as in make loadtest).
NO_RATE_LIMIT = {"LEVANGER_API_RATE_PER_SECOND": "1000000", "LEVANGER_API_RATE_BURST": "1000000"}


def _sigterm(*_: object) -> None:
    raise KeyboardInterrupt


def kill_replica(name: str, mode: str) -> None:
    """``crash``: SIGKILL to the container's main process from the host, as the OOM killer or a crash
    would; the restart policy restarts it. ``docker-kill``: Docker's own kill, which Docker counts as a
    manual stop: the restart policy does not apply (checked here)."""
    if mode == "docker-kill":
        d.docker("kill", name)
    else:
        os.kill(int(d.docker("inspect", "-f", "{{.State.Pid}}", name)), signal.SIGKILL)


def watch_recovery(replica: topo.Replica, restarts_before: int, limit_s: float) -> dict:
    """Seconds from the kill until Docker restarted it, it answered /readyz 200, and Docker called it healthy."""
    start = time.monotonic()
    out: dict[str, float | None] = {"restarted_s": None, "ready_s": None, "healthy_s": None}
    while time.monotonic() - start < limit_s and out["healthy_s"] is None:
        now = round(time.monotonic() - start, 2)
        if out["restarted_s"] is None and topo.restart_count(replica.name) > restarts_before:
            out["restarted_s"] = now
        if out["restarted_s"] is not None and out["ready_s"] is None and topo.ready(replica.readyz, 1.0):
            out["ready_s"] = now
        if out["ready_s"] is not None and topo.health(replica.name) == "healthy":
            out["healthy_s"] = now
        time.sleep(0.2)
    return out


def feedback_rows(volume: str) -> int:
    mount = Path(d.docker("volume", "inspect", "-f", "{{.Mountpoint}}", volume))
    db = mount / "feedback.sqlite3"
    if not db.exists():
        return 0
    with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as con:
        return int(con.execute("SELECT COUNT(*) FROM feedback").fetchone()[0])


def kill_phase(args: argparse.Namespace, replicas: list[topo.Replica]) -> dict:
    victim = replicas[0]
    load = Load(PROXY_PORT, args.users, args.seconds)
    marks: dict = {}

    def during() -> None:
        cpu0 = {r.name: topo.cpu_seconds(r.name) for r in replicas}
        while load.elapsed() < args.kill_at:
            time.sleep(0.1)
        marks["cpu_s"] = {r.name: round(topo.cpu_seconds(r.name) - cpu0[r.name], 2) for r in replicas}
        marks["rss_mb"] = {r.name: topo.memory_mb(r.name) for r in replicas}
        marks["loadavg"] = [round(x, 2) for x in os.getloadavg()]
        restarts = topo.restart_count(victim.name)
        marks["kill_s"] = round(load.elapsed(), 2)
        kill_replica(victim.name, args.kill_mode)
        marks["recovery"] = watch_recovery(victim, restarts, max(args.seconds - args.kill_at + 30, 60))
        ready = marks["recovery"]["ready_s"]
        marks["ready_at_s"] = round(marks["kill_s"] + ready, 2) if ready is not None else None

    load.run(during)
    write_csv(load.outcomes, args.out / "kill-requests.csv")
    end = max(o.start + o.seconds for o in load.outcomes)  # the last answer
    kill_s = marks["kill_s"]
    back = marks["ready_at_s"] if marks.get("ready_at_s") is not None else end
    phases = {"before": summary(load.outcomes, 0, kill_s), "during": summary(load.outcomes, kill_s, back),
              "after": summary(load.outcomes, back, end)}
    asks_before = phases["before"]["ask_requests"]
    cpu_total = sum(marks["cpu_s"].values())
    return {"victim": victim.name, "kill_mode": args.kill_mode, **marks, "phases": phases,
            "all": summary(load.outcomes, 0, end),
            "cpu_ms_per_ask": round(1000 * cpu_total / asks_before, 1) if asks_before else None}


def run(args: argparse.Namespace, out: Path, tmp: Path) -> dict:
    log = out / "build.log"
    log.write_text("")
    report: dict = {"when": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()), "users": args.users,
                    "seconds": args.seconds, "loadavg_start": [round(x, 2) for x in os.getloadavg()]}
    d.base_image(log)
    report["build_s"] = {API: round(d.build(API, d.REPO, log, secret=True)),
                         PROXY: round(d.build(PROXY, d.REPO / "deploy" / "nginx", log))}
    report["image_mb"] = {t: d.image_size_mb(t) for t in (API, PROXY)}
    report["ca_scan"] = d.scan_for_ca(API).__dict__
    n = topo.replica_count()
    replicas = [topo.Replica(f"{topo.PREFIX}-api-{i + 1}", FIRST_PORT + i) for i in range(n)]
    volume = f"{topo.PREFIX}-feedback"
    d.docker("volume", "create", "--label", d.LABEL, volume)
    conf = tmp / "default.conf"
    conf.write_text(topo.nginx_conf([r.port for r in replicas], PROXY_PORT), encoding="utf-8")
    conf.chmod(0o644)
    started = time.monotonic()
    for r in replicas:
        d.docker(*topo.api_args(r, API, volume, NO_RATE_LIMIT))
    d.docker(*topo.proxy_args(f"{topo.PREFIX}-proxy", PROXY, conf))
    via_proxy = f"http://127.0.0.1:{PROXY_PORT}/readyz"
    if topo.wait_until(lambda: topo.ready(via_proxy), 300) is None:
        raise d.DeployError("/readyz through nginx did not answer 200 within 300 s")
    report["ready_through_nginx_s"] = round(time.monotonic() - started, 1)
    for r in replicas:
        if topo.wait_until(lambda r=r: topo.ready(r.readyz), 120) is None:
            raise d.DeployError(f"{r.name} did not become ready")
    report["replicas"] = [r.name for r in replicas]
    Load(PROXY_PORT, 2, 5, feedback_every=0).run()  # warm-up (no feedback: every stored row is counted below)
    print(f"kill phase: {args.users} users for {args.seconds} s, {replicas[0].name} killed at {args.kill_at} s",
          flush=True)
    report["kill"] = kill_phase(args, replicas)
    (out / "report.json").write_text(json.dumps(report, indent=2), encoding="utf-8")  # so far, if rolling fails
    if not args.no_rolling:
        print("rolling update: building a new index generation, then replacing the replicas one by one", flush=True)
        report["rolling"] = roll(replicas, API, volume, NO_RATE_LIMIT, PROXY_PORT, args.users, log, out)
    report["feedback_rows"] = feedback_rows(volume)
    report["feedback_201"] = sum(p["feedback_stored"] for p in [report["kill"]["all"]]
                                 + ([report["rolling"]["all"]] if "rolling" in report else []))
    report["loadavg_end"] = [round(x, 2) for x in os.getloadavg()]
    return report


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--users", type=int, default=4)
    parser.add_argument("--seconds", type=float, default=90)
    parser.add_argument("--kill-at", type=float, default=25)
    parser.add_argument("--kill-mode", choices=["crash", "docker-kill"], default="crash")
    parser.add_argument("--no-rolling", action="store_true")
    parser.add_argument("--remove-images", action="store_true")
    parser.add_argument("--out", type=Path, default=d.REPO / "var" / "deploy-test")
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    signal.signal(signal.SIGTERM, _sigterm)
    daemon = None
    status = 1
    try:
        daemon = d.ensure_daemon(args.out / "dockerd.log")
        d.remove_labelled()  # what an earlier, interrupted run may have left
        with tempfile.TemporaryDirectory() as tmp:
            report = run(args, args.out, Path(tmp))
        (args.out / "report.json").write_text(json.dumps(report, indent=2), encoding="utf-8")
        text = markdown(report)
        (args.out / "report.md").write_text(text + "\n", encoding="utf-8")
        print(text)
        status = 0 if report["kill"]["all"]["ask_failed"] == 0 and report.get("rolling", {}).get(
            "all", {"ask_failed": 0})["ask_failed"] == 0 else 1
    except d.DeployError as exc:
        print(f"deploy test: {exc}", file=sys.stderr)
        status = 2
    except KeyboardInterrupt:
        print("deploy test: interrupted; cleaning up", file=sys.stderr)
        status = 130
    finally:
        if daemon is not None or d.daemon_answers():
            d.remove_labelled()
            if args.remove_images:
                d.docker("rmi", "-f", API, PROXY, "levanger-helse-api:2", check=False)
        d.stop_daemon(daemon)
    return status


if __name__ == "__main__":
    sys.exit(main())
