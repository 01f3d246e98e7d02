"""The Kubernetes manifests (deploy/k8s/), checked offline: against Kubernetes' own OpenAPI schemas
(``kubernetes-validate`` ships them in its wheel, strict: unknown fields are errors), then against the rules
of this deployment. No cluster is involved; docs/deployment.md says what was and was not run."""

from __future__ import annotations

import copy
from pathlib import Path

import pytest
import yaml

kv = pytest.importorskip("kubernetes_validate", reason="the dev extra (kubernetes-validate) is not installed")

K8S = Path(__file__).resolve().parents[2] / "deploy" / "k8s"
VERSION = "1.30.0"  # an old enough release that a municipality's cluster has it; the schemas are in the wheel


def _docs() -> dict[str, dict]:
    out = {}
    for path in sorted(K8S.glob("*.yaml")):
        for doc in yaml.safe_load_all(path.read_text(encoding="utf-8")):
            out[doc["kind"]] = doc
    return out


def test_every_manifest_is_valid_against_the_kubernetes_schemas() -> None:
    docs = _docs()
    assert set(docs) == {"Deployment", "Service", "PodDisruptionBudget", "HorizontalPodAutoscaler"}
    for doc in docs.values():
        kv.validate(doc, VERSION, strict=True)  # raises ValidationError


def test_the_validator_rejects_a_mistake() -> None:
    bad = copy.deepcopy(_docs()["Deployment"])
    bad["spec"]["template"]["spec"]["containers"][0]["readinessProbe"]["httpGet"]["paht"] = "/readyz"
    with pytest.raises(kv.ValidationError):
        kv.validate(bad, VERSION, strict=True)
    bad = copy.deepcopy(_docs()["Deployment"])
    bad["spec"]["replicas"] = "two"
    with pytest.raises(kv.ValidationError):
        kv.validate(bad, VERSION, strict=True)


def test_the_deployment_follows_the_images_rules() -> None:
    from ui.api.settings import ApiSettings

    docs = _docs()
    deployment = docs["Deployment"]
    spec = deployment["spec"]
    assert spec["replicas"] >= 2
    assert spec["strategy"]["rollingUpdate"]["maxUnavailable"] == 0  # a rollout never lowers the ready count
    pod = spec["template"]["spec"]
    assert pod["securityContext"]["runAsNonRoot"] is True and pod["securityContext"]["runAsUser"] == 10001
    (api,) = pod["containers"]
    assert api["securityContext"]["readOnlyRootFilesystem"] is True
    assert api["securityContext"]["allowPrivilegeEscalation"] is False
    assert api["securityContext"]["capabilities"]["drop"] == ["ALL"]
    assert api["readinessProbe"]["httpGet"]["path"] == "/readyz"
    assert api["livenessProbe"]["httpGet"]["path"] == "/healthz"
    assert {m["mountPath"] for m in api["volumeMounts"]} == {"/tmp", "/data"}  # all it writes
    requests, limits = api["resources"]["requests"], api["resources"]["limits"]
    assert requests["cpu"] and requests["memory"] and limits["memory"]
    env = {e["name"]: e["value"] for e in api["env"]}
    settings = ApiSettings.from_env(env)
    assert settings.forwarded_hops == 1 and settings.cors_origins and "*" not in settings.cors_origins
    labels = spec["template"]["metadata"]["labels"]
    assert spec["selector"]["matchLabels"].items() <= labels.items()
    # the Service, the budget and the autoscaler all point at these pods
    assert docs["Service"]["spec"]["selector"].items() <= labels.items()
    assert docs["PodDisruptionBudget"]["spec"]["selector"]["matchLabels"].items() <= labels.items()
    assert docs["PodDisruptionBudget"]["spec"]["minAvailable"] < spec["replicas"]
    hpa = docs["HorizontalPodAutoscaler"]["spec"]
    assert hpa["scaleTargetRef"] == {"apiVersion": "apps/v1", "kind": "Deployment",
                                     "name": deployment["metadata"]["name"]}
    assert hpa["minReplicas"] >= 2 and hpa["metrics"][0]["resource"]["name"] == "cpu"
