"""The deployment files: Dockerfile, deploy/nginx/, compose.yaml, and the deploy test's topology.

hadolint is not installable here (no PyPI, npm or Debian 12 package), so the Dockerfiles are parsed with
Docker's own parser (the ``dockerfile`` package wraps BuildKit's Go parser) and checked against the rules
that matter for these images; compose.yaml is parsed by ``compose-spec`` (a validating Compose Specification
parser, which rejects unknown keys and wrong types); the nginx site by ``crossplane`` (NGINX's own config
parser). These are fast, static checks: the images are built and run by ``make deploy-test`` (tools/deploy/),
which is not part of the test suite (docs/deployment.md has its figures).
"""

from __future__ import annotations

import inspect
import json
import os
import re
import shlex
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from tests.conftest import seed_cache

REPO = Path(__file__).resolve().parents[2]
dockerfile = pytest.importorskip("dockerfile", reason="the dev extra (dockerfile) is not installed")
compose_spec = pytest.importorskip("compose_spec", reason="the dev extra (compose-spec) is not installed")

#: Dependencies the API path does not import (checked by test_the_api_path_imports_only_what_the_image_has).
NOT_IN_IMAGE = {"streamlit", "sentence-transformers", "torch"}
#: The base image tools/base_image.sh makes (debootstrap of one Debian suite, docker import).
BASE_IMAGE = "local/debian:bookworm"
NGINX_SITE = REPO / "deploy" / "nginx" / "api.conf"
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
    # the base is the debootstrap image tools/base_image.sh makes, pinned to a Debian suite (Docker Hub is not
    # reachable here), and Python is Debian's 3.11 in a virtual environment
    assert base.value[0] == BASE_IMAGE
    assert "ADD" not in cmds
    runs = [i.value[0] for i in ins if i.cmd == "RUN"]
    apt = [r for r in runs if "apt-get install" in r]
    assert len(apt) == 1 and "--no-install-recommends" in apt[0] and "python3.11-venv" in apt[0]
    assert "rm -rf /var/lib/apt/lists/*" in apt[0] and "-m venv /opt/venv" in apt[0]
    assert any("python -m assistant index" in r for r in runs), "the index is built at image build"
    assert not any(re.search(r"(curl|wget)[^|]*\|\s*(ba)?sh", r) for r in runs)
    assert not any("--index-url" in r or "--extra-index-url" in r or "--trusted-host" in r for r in runs)
    # non-root from the last RUN on: the process can write nowhere but /tmp and the /data volume
    user = [i for i in ins if i.cmd == "USER"]
    assert user and cmds.index("USER") > max(n for n, c in enumerate(cmds) if c == "RUN")
    uid = user[-1].value[0].split(":")[0]
    assert uid.isdigit() and int(uid) >= 1000
    health = [i for i in ins if i.cmd == "HEALTHCHECK"]
    assert len(health) == 1 and list(health[0].value[1:5]) == ["python", "-m", "ui.api", "check"]
    cmd = [i for i in ins if i.cmd == "CMD"][-1].value
    assert list(cmd[:3]) == ["python", "-m", "ui.api"] and "--workers" in cmd
    env = dict(zip(*[iter([i.value for i in ins if i.cmd == "ENV"][0])] * 2, strict=True))
    assert env["HF_HUB_OFFLINE"] == "1" and env["LEVANGER_FEEDBACK_DB"].startswith("/data/")
    assert env["PATH"].startswith("/opt/venv/bin:")  # python in CMD and HEALTHCHECK is the venv's
    # the healthcheck probes /readyz on the port the server listens on (both from LEVANGER_API_PORT)
    from ui.api.__main__ import main as api_main

    assert env["LEVANGER_API_PORT"] == "8000" and "/readyz" in inspect.getsource(api_main)
    copied = {i.value[0].rstrip("/") for i in ins if i.cmd == "COPY"}
    assert copied == set(COPIED)
    ignored = (REPO / ".dockerignore").read_text().split()
    assert {".git", ".venv", "var"} <= set(ignored)


def test_dockerfile_installs_the_api_dependencies_from_pyproject() -> None:
    project = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]
    wanted = {_name(r) for r in project["dependencies"] + project["optional-dependencies"]["api"]} - NOT_IN_IMAGE
    pip = [i for i in _instructions() if i.cmd == "RUN" and "pip install" in i.value[0]]
    assert len(pip) == 1
    words = shlex.split(pip[0].value[0])
    installed = {_name(a) for a in words[words.index("install") + 1:] if not a.startswith("-")}
    assert installed == wanted


def test_the_ca_bundle_is_a_build_secret_never_a_layer() -> None:
    """pip reaches PyPI with the host's CA bundle, mounted as a BuildKit secret for that one RUN; no COPY,
    ENV or ARG carries a certificate (make deploy-test also searches every layer of the built image)."""
    ins = _instructions()
    pip = next(i for i in ins if i.cmd == "RUN" and "pip install" in i.value[0])
    mount = dict(kv.split("=", 1) for kv in pip.flags[0].removeprefix("--mount=").split(","))
    assert mount["type"] == "secret" and mount["id"] == "ca"
    assert pip.value[0].startswith(f"PIP_CERT={mount['target']} pip install")
    for i in ins:
        if i.cmd in ("COPY", "ENV", "ARG", "ADD") or (i.cmd == "RUN" and i is not pip):
            assert not re.search(r"\.(pem|crt)\b|CERT|secrets", " ".join(i.value)), (i.cmd, i.value)
    assert "--secret id=ca," in (REPO / "Makefile").read_text()
    assert _compose()["services"]["api"]["build"]["secrets"] == ["ca"]


def test_the_base_image_is_debootstrap_of_the_pinned_suite() -> None:
    script = (REPO / "tools" / "base_image.sh").read_text()
    subprocess.run(["bash", "-n", str(REPO / "tools" / "base_image.sh")], check=True)
    assert f'TAG="${{BASE_IMAGE:-{BASE_IMAGE}}}"' in script and "SUITE=bookworm" in script
    assert BASE_IMAGE.endswith(":bookworm")
    assert "debootstrap --variant=minbase" in script and '"$DOCKER" import' in script
    assert "image inspect" in script  # reused when present
    # the mirror is the one apt uses on the host, read at run time: no archive host is written in the script
    assert "/etc/apt/sources.list" in script and not re.search(r"https?://[a-z]", script)


def test_the_proxy_image_is_debians_nginx_on_the_same_base() -> None:
    ins = list(dockerfile.parse_file(str(REPO / "deploy" / "nginx" / "Dockerfile")))
    cmds = [i.cmd for i in ins]
    assert ins[0].cmd == "FROM" and ins[0].value[0] == BASE_IMAGE and cmds.count("FROM") == 1
    assert "ADD" not in cmds
    runs = [i.value[0] for i in ins if i.cmd == "RUN"]
    assert any("apt-get install" in r and " nginx" in r for r in runs)
    user = [i for i in ins if i.cmd == "USER"]
    assert user and cmds.index("USER") > max(n for n, c in enumerate(cmds) if c == "RUN")
    assert user[-1].value[0].split(":")[0] not in ("0", "root")
    main = (REPO / "deploy" / "nginx" / "nginx.conf").read_text()
    assert "pid /tmp/" in main and "user " not in main  # runs as its USER, writes only /tmp


@pytest.mark.slow  # a fresh index build or a whole-bank scan: not in `make test-fast`
def test_the_api_path_imports_only_what_the_image_has(tmp_path: Path, hashing_index_dir: Path) -> None:
    """Load the app and answer with the packages the image copies; nothing else of the repo is imported,
    and none of the dependencies the image leaves out."""
    seed_cache(hashing_index_dir, tmp_path / "index")  # what is imported is the point, not embedding or training
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
    assert api["build"]["network"] == "host" and proxy["build"] == {"context": "deploy/nginx", "network": "host"}
    assert re.fullmatch(r"levanger-helse-proxy:\d+", proxy["image"]), proxy["image"]
    assert proxy["read_only"] is True and "/tmp" in str(proxy["tmpfs"]) and proxy["cap_drop"] == ["ALL"]
    assert proxy["depends_on"]["api"]["condition"] == "service_healthy"
    assert api["restart"] == proxy["restart"] == "unless-stopped"
    assert all(str(p).startswith("127.0.0.1:") or "127.0.0.1" in json.dumps(p) for p in proxy["ports"])
    env = {k: str(v) for k, v in api["environment"].items()}
    settings = ApiSettings.from_env(env)  # the replicas' settings are valid
    assert settings.cors_origins and "*" not in settings.cors_origins
    assert settings.forwarded_hops == 1  # exactly the one proxy in front
    assert (REPO / c["configs"]["nginx"]["file"]).resolve() == NGINX_SITE
    conf = NGINX_SITE.read_text()
    assert "server api:8000" in conf and "X-Forwarded-For $proxy_add_x_forwarded_for" in conf
    assert "$remote_addr" not in conf.split("log_format", 1)[1].split(";", 1)[0]  # no client address logged
    assert "client_max_body_size 32k" in conf and settings.max_body_bytes == 32 * 1024


def _site() -> list[dict]:
    """deploy/nginx/api.conf parsed by crossplane (NGINX's config parser), as the directives of the file."""
    crossplane = pytest.importorskip("crossplane", reason="the dev extra (crossplane) is not installed")
    parsed = crossplane.parse(str(NGINX_SITE), single=True, check_ctx=False, strict=True)
    assert parsed["status"] == "ok", parsed["errors"]
    return parsed["config"][0]["parsed"]


def _block(directives: list[dict], name: str, *args: str) -> list[dict]:
    found = [d for d in directives if d["directive"] == name and list(d["args"]) == list(args)]
    assert len(found) == 1, (name, args)
    return found[0]["block"]


def _args(block: list[dict], name: str) -> list[str]:
    return [a for d in block if d["directive"] == name for a in d["args"]]


def test_nginx_retries_only_ask_on_another_replica() -> None:
    """/v1/ask (no side effects) is sent again to the next replica after an error, a 502 or a 503, even once
    sent (non_idempotent); /v1/feedback only when it never reached a replica; a dead replica is taken out."""
    site = _site()
    server = _block(site, "server")
    upstream = _block(site, "upstream", "api")
    assert [d["args"][0] for d in upstream if d["directive"] == "server"] == ["api:8000"]
    options = _args(upstream, "server")
    assert any(o.startswith("fail_timeout=") for o in options)
    # one failure must not take the survivor out while the other replica is down (seen with max_fails=1)
    assert int(next(o for o in options if o.startswith("max_fails=")).split("=")[1]) >= 2
    # nginx drops an idle upstream connection before uvicorn closes it (a request on a closing one fails)
    from ui.api.settings import ApiSettings

    uvicorn = ApiSettings().keep_alive_s
    assert int(_args(upstream, "keepalive_timeout")[0].removesuffix("s")) < uvicorn
    assert _args(server, "proxy_next_upstream_tries") == ["2"]  # one retry, never a storm
    ask = _block(server, "location", "=", "/v1/ask")
    assert set(_args(ask, "proxy_next_upstream")) == {"error", "timeout", "http_502", "http_503", "non_idempotent"}
    feedback = _block(server, "location", "=", "/v1/feedback")
    assert set(_args(feedback, "proxy_next_upstream")) == {"error", "timeout"}
    rest = _block(server, "location", "/")
    assert "non_idempotent" not in _args(rest, "proxy_next_upstream")
    every = [a for d in site + server for a in d.get("args", [])] + [
        a for d in server for b in d.get("block", []) for a in b["args"]]
    assert every.count("non_idempotent") == 1  # only /v1/ask
    # when every replica is down: nginx's own 502/504 become the API's JSON error, in Norwegian and English
    assert _args(server, "error_page")[-1] == "@unavailable"
    body = json.loads(_args(_block(server, "location", "@unavailable"), "return")[1])
    assert body["error"]["message_nb"] and body["error"]["message_en"] and body["error"]["code"]


def test_deploy_test_runs_compose_settings_on_loopback() -> None:
    """tools/deploy starts compose.yaml's services with docker run: the same hardening, environment and
    restart policy, each replica on its own loopback port, nginx's upstream pointed at those ports."""
    from tools.deploy import topology

    conf = topology.nginx_conf([18001, 18002], 18080)
    assert "server api:8000" not in conf and "listen 127.0.0.1:18080;" in conf
    assert conf.count("server 127.0.0.1:1800") == 2 and "server 127.0.0.1:18002 max_fails=" in conf
    assert conf.replace("listen 127.0.0.1:18080;", "listen 8080;").count("\n") == NGINX_SITE.read_text().count(
        "\n") + 1  # one upstream line became two; nothing else changed
    args = topology.api_args(topology.Replica("r1", 18001), "img:1", "vol", {"EXTRA": "1"})
    joined = " ".join(args)
    for part in ("--network host", "--read-only", "--tmpfs /tmp", "--cap-drop ALL", "--restart unless-stopped",
                 "--security-opt no-new-privileges:true", "--memory 1g", "-v vol:/data",
                 "-e LEVANGER_API_FORWARDED_HOPS=1", "-e LEVANGER_API_PORT=18001", "-e LEVANGER_API_HOST=127.0.0.1"):
        assert part in joined, part
    assert args[-1] == "img:1" and topology.replica_count() == 2
    assert topology.fail_timeout_s() == 5  # the rolling update waits this long before the next replica
    proxy = " ".join(topology.proxy_args("p", "proxy:1", Path("/x/default.conf")))
    assert "--read-only" in proxy and "-v /x/default.conf:/etc/nginx/conf.d/default.conf:ro" in proxy


def test_load_summary_splits_the_windows() -> None:
    from tools.deploy.load import ASK, FEEDBACK, Outcome, summary

    outcomes = [Outcome(t / 10, 0.05 + t / 1000, ASK, 200) for t in range(100)]
    outcomes += [Outcome(5.0, 0.1, ASK, 0), Outcome(5.5, 0.1, FEEDBACK, 503, clear_error=True),
                 Outcome(6.0, 0.1, FEEDBACK, 201)]
    before, during = summary(outcomes, 0, 5), summary(outcomes, 5, 10)
    assert before["ask_requests"] == 50 and before["ask_failed"] == 0
    assert during["ask_requests"] == 51 and during["ask_failed"] == 1
    assert during["feedback_stored"] == 1 and during["feedback_refused_clearly"] == 1
    assert before["p50_ms"] < before["p95_ms"] < during["p50_ms"]


def test_compose_validation_rejects_a_mistake() -> None:
    """The validator used above is not a rubber stamp."""
    text = (REPO / "compose.yaml").read_text().replace("replicas: 2", "replicas: two")
    with pytest.raises(ValueError):
        compose_spec.PyCompose.from_yaml(text)
