"""compose.yaml's topology started with plain ``docker run`` (no Compose plugin here), on the host's loopback.

Compose v2 is not in Debian 12 and not on PyPI, and Debian's docker-compose 1.29 does not read this file
(``configs.content``/``file`` for a non-swarm service, ``build.secrets``), so the deploy test reads
compose.yaml itself and starts the same services with the same settings: the replica count, the read-only
root, tmpfs, dropped capabilities, no-new-privileges, the environment, the memory limit, the restart policy,
the feedback volume, and nginx with deploy/nginx/api.conf. The one change: every container uses the host's
network (``--network host``), each replica on its own loopback port, and nginx's upstream lists those ports
instead of Docker's DNS name ``api``. All traffic of the test stays on 127.0.0.1.
"""

from __future__ import annotations

import re
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import yaml

from tools.deploy.docker import LABEL, REPO, docker

PREFIX = "levanger-deploytest"


@dataclass(frozen=True)
class Replica:
    name: str
    port: int

    @property
    def readyz(self) -> str:
        return f"http://127.0.0.1:{self.port}/readyz"


def compose() -> dict:
    return yaml.safe_load((REPO / "compose.yaml").read_text(encoding="utf-8"))


def nginx_conf(ports: list[int], listen: int) -> str:
    """deploy/nginx/api.conf with the upstream servers on the replicas' loopback ports."""
    conf = (REPO / "deploy" / "nginx" / "api.conf").read_text(encoding="utf-8")
    server = re.search(r"^(\s*)server api:8000( [^;]*);\n", conf, flags=re.M)
    listen_line = re.search(r"^(\s*)listen 8080;\n", conf, flags=re.M)
    if server is None or listen_line is None:
        raise ValueError("deploy/nginx/api.conf no longer has 'server api:8000 ...;' and 'listen 8080;'")
    indent, options = server.group(1), server.group(2)
    servers = "".join(f"{indent}server 127.0.0.1:{p}{options};\n" for p in ports)
    conf = conf.replace(server.group(0), servers)
    return conf.replace(listen_line.group(0), f"{listen_line.group(1)}listen 127.0.0.1:{listen};\n")


def fail_timeout_s() -> int:
    """How long nginx keeps a failed replica out (``fail_timeout`` in deploy/nginx/api.conf)."""
    conf = (REPO / "deploy" / "nginx" / "api.conf").read_text(encoding="utf-8")
    found = re.search(r"^\s*server api:8000 [^;]*fail_timeout=(\d+)s", conf, flags=re.M)
    if found is None:
        raise ValueError("deploy/nginx/api.conf: the upstream server has no fail_timeout=Ns")
    return int(found.group(1))


def _hardening(service: dict) -> list[str]:
    args: list[str] = []
    if service.get("read_only"):
        args.append("--read-only")
    for path in service.get("tmpfs", []):
        args += ["--tmpfs", path]
    for cap in service.get("cap_drop", []):
        args += ["--cap-drop", cap]
    for opt in service.get("security_opt", []):
        args += ["--security-opt", opt]
    if service.get("restart"):
        args += ["--restart", service["restart"]]
    return args


def api_args(replica: Replica, image: str, volume: str, extra_env: dict[str, str]) -> list[str]:
    """``docker run`` arguments for one API replica, from compose.yaml's ``api`` service."""
    service = compose()["services"]["api"]
    args = ["run", "-d", "--name", replica.name, "--label", LABEL, "--network", "host", *_hardening(service)]
    limits = service.get("deploy", {}).get("resources", {}).get("limits", {})
    if "memory" in limits:
        args += ["--memory", str(limits["memory"])]
    if "cpus" in limits:
        args += ["--cpus", str(limits["cpus"])]
    env = {k: str(v) for k, v in service.get("environment", {}).items()}
    env.update(extra_env, LEVANGER_API_HOST="127.0.0.1", LEVANGER_API_PORT=str(replica.port))
    for key, value in env.items():
        args += ["-e", f"{key}={value}"]
    for mount in service.get("volumes", []):
        source, target = str(mount).split(":", 1)
        args += ["-v", f"{volume if source == 'feedback' else source}:{target}"]
    return [*args, image]


def proxy_args(name: str, image: str, conf: Path) -> list[str]:
    """``docker run`` arguments for nginx, from compose.yaml's ``proxy`` service."""
    service = compose()["services"]["proxy"]
    args = ["run", "-d", "--name", name, "--label", LABEL, "--network", "host", *_hardening(service)]
    for config in service.get("configs", []):
        args += ["-v", f"{conf}:{config['target']}:ro"]
    return [*args, image]


def replica_count() -> int:
    return int(compose()["services"]["api"]["deploy"]["replicas"])


def ready(url: str, timeout: float = 2.0) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            return response.status == 200
    except OSError:
        return False


def wait_until(check, limit_s: float, step_s: float = 0.2) -> float | None:  # noqa: ANN001 - a predicate
    """Seconds until ``check()`` holds, or None after ``limit_s``."""
    start = time.monotonic()
    while time.monotonic() - start < limit_s:
        if check():
            return time.monotonic() - start
        time.sleep(step_s)
    return None


def health(container: str) -> str:
    return docker("inspect", "-f", "{{if .State.Health}}{{.State.Health.Status}}{{end}}", container, check=False)


def restart_count(container: str) -> int:
    out = docker("inspect", "-f", "{{.RestartCount}}", container, check=False)
    return int(out) if out.isdigit() else -1


def _cgroup_file(container_id: str, controller: str, name: str) -> Path | None:
    for base in (Path("/sys/fs/cgroup") / controller / "docker" / container_id,  # cgroup v1, cgroupfs driver
                 Path("/sys/fs/cgroup/system.slice") / f"docker-{container_id}.scope",  # v2, systemd
                 Path("/sys/fs/cgroup/docker") / container_id):  # v2, cgroupfs
        if (base / name).exists():
            return base / name
    return None


def cpu_seconds(container: str) -> float:
    """CPU time the container's processes have used since it (re)started."""
    cid = docker("inspect", "-f", "{{.Id}}", container)
    v1 = _cgroup_file(cid, "cpuacct", "cpuacct.usage")
    if v1:
        return int(v1.read_text()) / 1e9
    v2 = _cgroup_file(cid, "", "cpu.stat")
    if v2:
        usage = dict(line.split() for line in v2.read_text().splitlines())
        return int(usage["usage_usec"]) / 1e6
    return float("nan")


def memory_mb(container: str) -> float:
    """Resident memory (RSS, no page cache) of the container's processes."""
    cid = docker("inspect", "-f", "{{.Id}}", container)
    stat = _cgroup_file(cid, "memory", "memory.stat")
    if stat is None:
        return float("nan")
    values = dict(line.split() for line in stat.read_text().splitlines())
    rss = values.get("total_rss") or values.get("anon")  # v1 or v2
    return round(int(rss) / 2**20, 1) if rss else float("nan")
