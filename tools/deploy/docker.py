"""The Docker side of the deploy test: a daemon that answers, the images, and what a container costs.

Everything here shells out to the ``docker`` client. Images are built with BuildKit (for the CA secret): by
``docker buildx`` where that plugin exists, else by the Debian client (``/usr/bin/docker`` from docker.io),
whose built-in BuildKit needs no plugin.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import tarfile
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
HOST_CA = Path(os.environ.get("DEPLOY_CA_BUNDLE", "/etc/ssl/certs/ca-certificates.crt"))
LABEL = "levanger.deploytest=1"


class DeployError(RuntimeError):
    """Something the deploy test needs is missing or failed; the message says what."""


def docker(*args: str, check: bool = True, timeout: float = 120, quiet: bool = True) -> str:
    """Run one docker command; its stdout (stripped)."""
    out = subprocess.run(["docker", *args], capture_output=quiet, text=True, timeout=timeout)
    if check and out.returncode != 0:
        raise DeployError(f"docker {' '.join(args[:3])} failed: {(out.stderr or '').strip()[-800:]}")
    return (out.stdout or "").strip()


def daemon_answers() -> bool:
    if shutil.which("docker") is None:
        return False
    return subprocess.run(["docker", "info"], capture_output=True, timeout=30).returncode == 0


def ensure_daemon(log: Path) -> subprocess.Popen | None:
    """A daemon that answers ``docker info``: the running one, or ``dockerd`` started here (root only).
    Returns the process started here (to stop at the end), or None when one was already running."""
    if daemon_answers():
        return None
    if shutil.which("docker") is None:
        raise DeployError("no docker client: apt-get install docker.io")
    if shutil.which("dockerd") is None:
        raise DeployError("no Docker daemon answers and dockerd is not installed: apt-get install docker.io")
    if os.geteuid() != 0:
        raise DeployError("no Docker daemon answers, and starting dockerd needs root: start it (sudo dockerd) "
                          "or run make deploy-test as root")
    # No default bridge and no iptables rules: every container here uses the host's network (loopback only).
    proc = subprocess.Popen(["dockerd", "--bridge=none", "--iptables=false", "--ip6tables=false"],
                            stdout=log.open("w"), stderr=subprocess.STDOUT, start_new_session=True)
    deadline = time.monotonic() + 60
    while not daemon_answers():
        if proc.poll() is not None:
            last = (log.read_text(errors="replace").strip().splitlines() or ["(no output)"])[-1]
            raise DeployError(f"dockerd exited: {last} (see {log})")
        if time.monotonic() > deadline:
            proc.kill()
            raise DeployError(f"dockerd did not answer within 60 s; see {log}")
        time.sleep(0.5)
    return proc


def stop_daemon(proc: subprocess.Popen | None) -> None:
    if proc is None:
        return
    proc.terminate()
    try:
        proc.wait(timeout=30)
    except subprocess.TimeoutExpired:
        proc.kill()


def _buildkit_client() -> list[str]:
    if subprocess.run(["docker", "buildx", "version"], capture_output=True).returncode == 0:
        return ["docker", "buildx", "build", "--load"]
    debian = Path("/usr/bin/docker")
    if debian.exists():
        return [str(debian), "build"]
    raise DeployError("BuildKit is needed for the CA secret: install docker-buildx, or Debian's docker.io client")


def build(tag: str, context: Path, log: Path, *, build_args: dict[str, str] | None = None,
          secret: bool = False, timeout: float = 3600) -> float:
    """Build ``tag`` from ``context`` with host networking; seconds taken."""
    cmd = [*_buildkit_client(), "--progress", "plain", "--network", "host", "-t", tag]
    if secret:
        cmd += ["--secret", f"id=ca,src={HOST_CA}"]
    for key, value in (build_args or {}).items():
        cmd += ["--build-arg", f"{key}={value}"]
    start = time.monotonic()
    with log.open("a") as out:
        done = subprocess.run([*cmd, str(context)], stdout=out, stderr=subprocess.STDOUT, timeout=timeout,
                              env=dict(os.environ, DOCKER_BUILDKIT="1"))
    if done.returncode != 0:
        raise DeployError(f"building {tag} failed; see {log}")
    return time.monotonic() - start


def base_image(log: Path) -> None:
    with log.open("a") as out:
        if subprocess.run(["bash", str(REPO / "tools" / "base_image.sh")], stdout=out, stderr=subprocess.STDOUT,
                          timeout=900).returncode != 0:
            raise DeployError(f"the base image could not be made; see {log}")


def image_size_mb(tag: str) -> float:
    return round(int(docker("image", "inspect", "-f", "{{.Size}}", tag)) / 1e6, 1)


@dataclass(frozen=True)
class SecretScan:
    """Whether the host's CA bundle reached a layer of an image (it must not)."""

    layers: int
    files: int
    bundle_in_a_layer: bool  # a file identical to the host's bundle
    host_only_certs: int  # certificates in the host bundle that neither Debian's nor certifi's bundle has
    host_only_cert_found: bool  # any of those, anywhere in any layer
    secret_path_in_a_layer: bool  # anything at run/secrets/


def _pem_blocks(text: str) -> set[str]:
    parts = text.split("-----BEGIN CERTIFICATE-----")[1:]
    return {"".join(p.split("-----END CERTIFICATE-----")[0].split()) for p in parts}


def scan_for_ca(tag: str) -> SecretScan:
    """Every file of every layer of ``tag`` (``docker save``) against the host's CA bundle: no file may be the
    bundle, and no file may hold a certificate that only the host has (one in neither Debian's
    ca-certificates nor the public Mozilla bundles that Python packages ship as certifi/cacert.pem)."""
    bundle = HOST_CA.read_bytes()
    digest = hashlib.sha256(bundle).hexdigest()
    public = docker("run", "--rm", "--network", "none", "--entrypoint", "sh", tag, "-c",
                    "cat /etc/ssl/certs/ca-certificates.crt; "
                    "find / -xdev -path '*/certifi/cacert.pem' -exec cat {} +", check=False)
    extra = _pem_blocks(bundle.decode("ascii", "replace")) - _pem_blocks(public)
    needles = [e[:120].encode() for e in extra]  # base64 lines are 64 wide: search the body without breaks
    layers = files = 0
    same = found = secret_path = False
    with tempfile.TemporaryDirectory() as tmp:
        archive = Path(tmp) / "image.tar"
        docker("save", "-o", str(archive), tag, timeout=600)
        with tarfile.open(archive) as image:
            for member in image.getmembers():
                if not member.name.endswith("layer.tar"):
                    continue
                layers += 1
                with tarfile.open(fileobj=image.extractfile(member)) as layer:
                    for f in layer:
                        if f.name.lstrip("./").startswith("run/secrets/") and f.name.rstrip("/") != "run/secrets":
                            secret_path = True
                        if not f.isfile():
                            continue
                        files += 1
                        data = layer.extractfile(f).read()
                        if len(data) == len(bundle) and hashlib.sha256(data).hexdigest() == digest:
                            same = True
                        if needles and b"BEGIN CERTIFICATE" in data:
                            flat = b"".join(data.split())
                            found = found or any(n in flat for n in needles)
    return SecretScan(layers, files, same, len(extra), found, secret_path)


def remove_labelled() -> None:
    """Every container this test started (by its label), then their volumes."""
    ids = docker("ps", "-aq", "--filter", f"label={LABEL}", check=False).split()
    if ids:
        docker("rm", "-f", "-v", *ids, check=False, timeout=120)
    vols = docker("volume", "ls", "-q", "--filter", f"label={LABEL}", check=False).split()
    if vols:
        docker("volume", "rm", "-f", *vols, check=False)


def inspect(container: str) -> dict:
    return json.loads(docker("inspect", container))[0]
