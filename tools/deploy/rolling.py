"""A rolling update under load: a new index generation (a new image) replaces the replicas one at a time.

For each replica in turn: ``docker stop`` (SIGTERM: uvicorn finishes what it is answering and closes),
remove it, start the new image under the same name and port, and wait for its ``/readyz``. Meanwhile nginx
sends everything to the replicas that are up (a refused connection goes to the next one, and /v1/ask is
retried there). The API's hot index reload is not used: a new generation is a new image.
"""

from __future__ import annotations

import json
import threading
import time
import urllib.request
from pathlib import Path

from tools.deploy import docker as d
from tools.deploy import topology as topo
from tools.deploy.load import Load, summary, write_csv

NEW = "levanger-helse-api:2"


def generation(replica: topo.Replica) -> str:
    """The index generation a replica serves: ``created`` of its /readyz."""
    try:
        with urllib.request.urlopen(replica.readyz, timeout=2) as response:
            return str(json.loads(response.read())["created"])
    except (OSError, ValueError, KeyError):
        return ""


def settled(replica: topo.Replica, times: int = 10) -> bool:
    """Ready on every worker process: ``/readyz`` 200 on ``times`` new connections in a row (the kernel
    spreads them over the uvicorn workers, each of which loads the index by itself)."""
    return all(topo.ready(replica.readyz, 1.0) for _ in range(times))


def roll(replicas: list[topo.Replica], image: str, volume: str, env: dict[str, str], proxy_port: int,
         users: int, log: Path, out: Path, limit_s: float = 300) -> dict:
    """Build the new generation, then replace ``replicas`` one by one under load; the figures."""
    build_s = d.build(NEW, d.REPO, log, secret=True, build_args={"INDEX_GENERATION": str(int(time.time()))})
    before = {r.name: generation(r) for r in replicas}
    load = Load(proxy_port, users, limit_s)
    steps: list[dict] = []
    done = threading.Event()

    def during() -> None:
        try:
            time.sleep(5)  # traffic on the old generation first
            for r in replicas:
                step = {"replica": r.name, "stop_at_s": round(load.elapsed(), 2)}
                d.docker("stop", "-t", "20", r.name, timeout=60)
                d.docker("rm", r.name)
                d.docker(*topo.api_args(r, NEW, volume, env))
                if topo.wait_until(lambda r=r: settled(r), 180) is None:
                    raise d.DeployError(f"{r.name} on {NEW} did not become ready within 180 s")
                step["ready_at_s"] = round(load.elapsed(), 2)
                step["down_s"] = round(step["ready_at_s"] - step["stop_at_s"], 2)
                steps.append(step)
                # nginx took it out while it was down (passive health): it probes it again after fail_timeout.
                # Only then may the next replica go, or nginx would have no replica it trusts.
                time.sleep(topo.fail_timeout_s() + 1)
            time.sleep(5)  # traffic on the new generation
        finally:
            load.stop_early.set()
            done.set()

    load.run(during)
    end = max(o.start + o.seconds for o in load.outcomes)  # the last answer
    write_csv(load.outcomes, out / "rolling-requests.csv")
    after = {r.name: generation(r) for r in replicas}
    return {"image": image, "new_image": NEW, "build_s": round(build_s), "steps": steps,
            "generation_before": before, "generation_after": after,
            "all_new": all(after[n] and after[n] != before[n] for n in after),
            "all": summary(load.outcomes, 0, end)}
