"""The deployment files: Dockerfile and compose.yaml.

hadolint is not installable here (no PyPI, npm or Debian 12 package), so the Dockerfile is parsed with
Docker's own parser (the ``dockerfile`` package wraps BuildKit's Go parser) and checked against the rules
that matter for this image; compose.yaml is parsed by ``compose-spec`` (a validating Compose Specification
parser, which rejects unknown keys and wrong types). ``docker build`` runs only where a Docker daemon answers.
"""

from __future__ import annotations

import json
import os
import re
import shlex
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
dockerfile = pytest.importorskip("dockerfile", reason="the dev extra (dockerfile) is not installed")
compose_spec = pytest.importorskip("compose_spec", reason="the dev extra (compose-spec) is not installed")

#: Dependencies the API path does not import (checked by test_the_api_path_imports_only_what_the_image_has).
NOT_IN_IMAGE = {"streamlit", "sentence-transformers", "torch"}
#: The packages the image copies.
COPIED = ("assistant", "corpus", "index", "ui")


def _instructions() -> list:
    return list(dockerfile.parse_file(str(REPO / "Dockerfile")))


def _name(requirement: str) -> str:
    return re.split(r"[<>=!~; \[]", requirement.strip(), maxsplit=1)[0].lower()


def test_dockerfile_follows_the_images_rules() -> None:
    ins = _instructions()
    cmds = [i.cmd for i in ins]
    base = ins[0]
    assert base.cmd == "FROM" and cmds.count("FROM") == 1
    image = base.value[0]
    assert re.fullmatch(r"python:3\.\d+(\.\d+)?-slim-\w+", image), image  # slim, pinned, never :latest
    assert "ADD" not in cmds
    runs = [i.value[0] for i in ins if i.cmd == "RUN"]
    assert any("python -m assistant index" in r for r in runs), "the index is built at image build"
    assert not any(re.search(r"(curl|wget)[^|]*\|\s*(ba)?sh", r) for r in runs)
    assert not any("--index-url" in r or "--extra-index-url" in r or "--trusted-host" in r for r in runs)
    # non-root from the last RUN on: the process can write nowhere but /tmp and the /data volume
    user = [i for i in ins if i.cmd == "USER"]
    assert user and cmds.index("USER") > max(n for n, c in enumerate(cmds) if c == "RUN")
    uid = user[-1].value[0].split(":")[0]
    assert uid.isdigit() and int(uid) >= 1000
    health = [i for i in ins if i.cmd == "HEALTHCHECK"]
    assert len(health) == 1 and "/readyz" in " ".join(health[0].value)
    cmd = [i for i in ins if i.cmd == "CMD"][-1].value
    assert list(cmd[:3]) == ["python", "-m", "ui.api"] and "--workers" in cmd
    env = dict(zip(*[iter([i.value for i in ins if i.cmd == "ENV"][0])] * 2, strict=True))
    assert env["HF_HUB_OFFLINE"] == "1" and env["LEVANGER_FEEDBACK_DB"].startswith("/data/")
    copied = {i.value[0].rstrip("/") for i in ins if i.cmd == "COPY"}
    assert copied == set(COPIED)
    ignored = (REPO / ".dockerignore").read_text().split()
    assert {".git", ".venv", "var"} <= set(ignored)


def test_dockerfile_installs_the_api_dependencies_from_pyproject() -> None:
    project = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]
    wanted = {_name(r) for r in project["dependencies"] + project["optional-dependencies"]["api"]} - NOT_IN_IMAGE
    pip = [i.value[0] for i in _instructions() if i.cmd == "RUN" and i.value[0].startswith("pip install")]
    assert len(pip) == 1
    installed = {_name(a) for a in shlex.split(pip[0])[2:] if not a.startswith("-")}
    assert installed == wanted


def test_the_api_path_imports_only_what_the_image_has(tmp_path: Path) -> None:
    """Load the app and answer with the packages the image copies; nothing else of the repo is imported,
    and none of the dependencies the image leaves out."""
    code = f"""
import json, sys
from fastapi.testclient import TestClient
from ui.api import create_app
with TestClient(create_app()) as c:
    c.app.state.runtime._thread.join(300)
    r = c.post("/v1/ask", json={{"question": "Hva koster trygghetsalarm?"}})
    assert r.status_code == 200, r.text
repo = {str(REPO)!r}
def ours(path):
    return path.startswith(repo + "/") and not path.startswith(sys.prefix + "/")
local = sorted({{m.split(".")[0] for m, mod in list(sys.modules.items())
                if ours(getattr(mod, "__file__", None) or "")}})
print(json.dumps({{"local": local, "left_out": [m for m in ("streamlit", "torch", "sentence_transformers")
                                                if m in sys.modules]}}))
"""
    env = {k: v for k, v in os.environ.items() if not k.startswith("LEVANGER_")}
    env.update(HF_HUB_OFFLINE="1", LEVANGER_EMBEDDER="hashing", LEVANGER_INDEX_DIR=str(tmp_path / "index"),
               LEVANGER_FEEDBACK_DB=str(tmp_path / "f.sqlite3"))
    out = subprocess.run([sys.executable, "-c", code], cwd=REPO, env=env, capture_output=True, text=True,
                         timeout=600, check=True)
    found = json.loads(out.stdout.strip().splitlines()[-1])
    assert set(found["local"]) <= set(COPIED), found
    assert found["left_out"] == []


def _compose() -> dict:
    text = (REPO / "compose.yaml").read_text()
    return compose_spec.PyCompose.from_yaml(text).to_dict()  # raises ValueError on anything invalid


def test_compose_runs_two_read_only_replicas_behind_a_proxy() -> None:
    from ui.api.settings import ApiSettings

    c = _compose()
    api, proxy = c["services"]["api"], c["services"]["proxy"]
    assert api["deploy"]["replicas"] == 2
    assert api["read_only"] is True and "/tmp" in str(api["tmpfs"])
    assert "ports" not in api, "replicas are reached only through the proxy"
    assert re.fullmatch(r"nginx:\d+\.\d+[\w.-]*", proxy["image"]), proxy["image"]
    assert proxy["read_only"] is True
    assert proxy["depends_on"]["api"]["condition"] == "service_healthy"
    assert all(str(p).startswith("127.0.0.1:") or "127.0.0.1" in json.dumps(p) for p in proxy["ports"])
    env = {k: str(v) for k, v in api["environment"].items()}
    settings = ApiSettings.from_env(env)  # the replicas' settings are valid
    assert settings.cors_origins and "*" not in settings.cors_origins
    assert settings.forwarded_hops == 1  # exactly the one proxy in front
    conf = c["configs"]["nginx"]["content"].replace("$$", "$")  # as compose interpolates it
    assert "server api:8000" in conf and "X-Forwarded-For $proxy_add_x_forwarded_for" in conf
    assert "$remote_addr" not in conf.split("log_format", 1)[1].split(";", 1)[0]  # no client address logged
    assert "client_max_body_size 32k" in conf and settings.max_body_bytes == 32 * 1024


def test_compose_validation_rejects_a_mistake() -> None:
    """The validator used above is not a rubber stamp."""
    text = (REPO / "compose.yaml").read_text().replace("replicas: 2", "replicas: two")
    with pytest.raises(ValueError):
        compose_spec.PyCompose.from_yaml(text)


def _docker_daemon() -> bool:
    if shutil.which("docker") is None:
        return False
    return subprocess.run(["docker", "info"], capture_output=True, timeout=30).returncode == 0


@pytest.mark.slow
@pytest.mark.skipif(not _docker_daemon(), reason="no Docker daemon here: the image build is not tested")
def test_docker_image_builds_and_becomes_healthy_read_only() -> None:
    tag = "levanger-helse-api:test"
    subprocess.run(["docker", "build", "-t", tag, str(REPO)], check=True, timeout=3600)
    run = subprocess.run(["docker", "run", "-d", "--read-only", "--tmpfs", "/tmp", "--cap-drop", "ALL", tag],
                         check=True, capture_output=True, text=True)
    container = run.stdout.strip()
    try:
        status = ""
        for _ in range(120):
            status = subprocess.run(["docker", "inspect", "-f", "{{.State.Health.Status}}", container],
                                    capture_output=True, text=True).stdout.strip()
            if status in ("healthy", "unhealthy"):
                break
            subprocess.run(["sleep", "1"])
        assert status == "healthy"
    finally:
        subprocess.run(["docker", "rm", "-f", container], capture_output=True)
