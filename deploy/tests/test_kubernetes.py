"""The kustomize base and overlays render, validate strictly, and keep the promises of the docs."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest
from conftest import ROOT, load_yaml_documents, run, tool
from gateway_tests.harness import start_container

KUBE = ROOT / "deploy" / "kubernetes"
MANIFESTS = sorted(p for p in KUBE.rglob("*.yaml") if p.name != "kustomization.yaml")
ENVIRONMENTS = ("base", "dev", "prod")
WORKLOAD_KINDS = {"Deployment", "StatefulSet", "Job"}


def of_kind(resources: list[dict[str, Any]], kind: str) -> dict[str, dict[str, Any]]:
    return {r["metadata"]["name"]: r for r in resources if r["kind"] == kind}


def pod_spec(resource: dict[str, Any]) -> dict[str, Any]:
    return resource["spec"]["template"]["spec"]


def labels_of(resource: dict[str, Any]) -> dict[str, str]:
    return resource["spec"]["template"]["metadata"]["labels"]


def test_every_manifest_file_validates_strictly() -> None:
    result = run(tool("kubernetes-validate"), "--strict", "--quiet", *map(str, MANIFESTS))
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize("environment", ENVIRONMENTS)
def test_rendered_overlay_validates_strictly(
    kustomize_sandbox: Path, environment: str, tmp_path: Path
) -> None:
    directory = kustomize_sandbox / ("base" if environment == "base" else f"overlays/{environment}")
    rendered = run(tool("kubectl"), "kustomize", str(directory))
    assert rendered.returncode == 0, rendered.stderr
    output = tmp_path / f"{environment}.yaml"
    output.write_text(rendered.stdout)
    result = run(tool("kubernetes-validate"), "--strict", "--quiet", str(output))
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize("environment", ENVIRONMENTS)
def test_the_stack_is_complete(rendered: dict[str, list[dict[str, Any]]], environment: str) -> None:
    resources = rendered[environment]
    assert set(of_kind(resources, "Deployment")) == {"users", "client", "swagger", "gateway", "redis"}
    assert set(of_kind(resources, "StatefulSet")) == {"users-db"}
    assert set(of_kind(resources, "Service")) == {
        "users",
        "client",
        "swagger",
        "gateway",
        "users-db",
        "redis",
    }
    assert set(of_kind(resources, "Job")) == {"users-migrate"}
    assert set(of_kind(resources, "HorizontalPodAutoscaler")) == {"users"}
    assert "users" in of_kind(resources, "PodDisruptionBudget")


@pytest.mark.parametrize("environment", ENVIRONMENTS)
def test_every_container_is_sized_probed_and_unprivileged(
    rendered: dict[str, list[dict[str, Any]]], environment: str
) -> None:
    for resource in rendered[environment]:
        if resource["kind"] not in WORKLOAD_KINDS:
            continue
        name = f"{resource['kind']}/{resource['metadata']['name']}"
        spec = pod_spec(resource)
        assert spec["securityContext"]["runAsNonRoot"] is True, name
        assert spec["securityContext"]["runAsUser"] > 0, name
        assert spec["securityContext"]["seccompProfile"]["type"] == "RuntimeDefault", name
        assert spec["automountServiceAccountToken"] is False, name
        for container in spec["containers"]:
            resources = container["resources"]
            assert resources["requests"]["cpu"] and resources["requests"]["memory"], name
            assert resources["limits"]["cpu"] and resources["limits"]["memory"], name
            context = container["securityContext"]
            assert context["allowPrivilegeEscalation"] is False, name
            assert context["capabilities"]["drop"] == ["ALL"], name
            if resource["kind"] != "Job":
                assert "readinessProbe" in container and "livenessProbe" in container, name


@pytest.mark.parametrize("environment", ENVIRONMENTS)
def test_service_ports_match_the_gateway_and_compose(
    rendered: dict[str, list[dict[str, Any]]], environment: str, tmp_path: Path
) -> None:
    services = of_kind(rendered[environment], "Service")
    ports = {name: service["spec"]["ports"][0]["port"] for name, service in services.items()}
    assert ports == {
        "users": 5000,
        "client": 80,
        "swagger": 8080,
        "gateway": 80,
        "users-db": 5432,
        "redis": 6379,
    }
    deployments = of_kind(rendered[environment], "Deployment")
    container_ports = {
        n: d["spec"]["template"]["spec"]["containers"][0]["ports"][0]["containerPort"]
        for n, d in deployments.items()
    }
    assert container_ports == {"users": 5000, "client": 80, "swagger": 8080, "gateway": 8080, "redis": 6379}
    # The gateway image started in a pod of the namespace "shop".
    conf = start_container(
        "kubernetes",
        tmp_path,
        resolv_conf="search shop.svc.cluster.local svc.cluster.local\nnameserver 10.96.0.10\n",
        env={"KUBERNETES_SERVICE_HOST": "10.96.0.1"},
    )
    gateway_conf = "".join(path.read_text() for path in conf.parent.rglob("*.conf"))
    for upstream in ("users", "client", "swagger"):
        assert f"{upstream}.shop.svc.cluster.local:{ports[upstream]} resolve" in gateway_conf


def test_users_probes_use_the_health_endpoints(rendered: dict[str, list[dict[str, Any]]]) -> None:
    container = pod_spec(of_kind(rendered["prod"], "Deployment")["users"])["containers"][0]
    assert container["livenessProbe"]["httpGet"]["path"] == "/health/live"
    assert container["readinessProbe"]["httpGet"]["path"] == "/health/ready"
    env = {e["name"]: e for e in container["env"]}
    assert env["MIGRATE_ON_START"]["value"] == "false"
    assert env["SECRET_KEY"]["valueFrom"]["secretKeyRef"]["name"].startswith("users-secrets-")


def test_the_migration_job_runs_the_start_scripts_migrate_command(
    rendered: dict[str, list[dict[str, Any]]],
) -> None:
    job = of_kind(rendered["prod"], "Job")["users-migrate"]
    container = pod_spec(job)["containers"][0]
    assert container["args"] == ["migrate"]
    assert (
        container["image"]
        == pod_spec(of_kind(rendered["prod"], "Deployment")["users"])["containers"][0]["image"]
    )
    assert pod_spec(job)["restartPolicy"] == "Never"
    assert "migrate)" in (ROOT / "services" / "users" / "docker-entrypoint.sh").read_text()


def test_users_scale_and_spread_over_zones(rendered: dict[str, list[dict[str, Any]]]) -> None:
    for environment in ENVIRONMENTS:
        hpa = of_kind(rendered[environment], "HorizontalPodAutoscaler")["users"]
        assert hpa["spec"]["scaleTargetRef"]["name"] == "users"
        assert 1 <= hpa["spec"]["minReplicas"] < hpa["spec"]["maxReplicas"]
        users = of_kind(rendered[environment], "Deployment")["users"]
        assert "replicas" not in users["spec"], "the autoscaler, not the Deployment, sets the users replicas"
        keys = [c["topologyKey"] for c in pod_spec(users)["topologySpreadConstraints"]]
        assert "topology.kubernetes.io/zone" in keys
    prod_users = of_kind(rendered["prod"], "Deployment")["users"]
    assert of_kind(rendered["prod"], "HorizontalPodAutoscaler")["users"]["spec"]["minReplicas"] >= 3
    assert pod_spec(prod_users)["topologySpreadConstraints"][0]["whenUnsatisfiable"] == "DoNotSchedule"
    pdb = of_kind(rendered["prod"], "PodDisruptionBudget")["users"]
    assert pdb["spec"]["selector"]["matchLabels"].items() <= labels_of(prod_users).items()


def test_only_users_pods_reach_the_database_and_redis(rendered: dict[str, list[dict[str, Any]]]) -> None:
    resources = rendered["prod"]
    policies = of_kind(resources, "NetworkPolicy")
    deny = policies["default-deny-ingress"]["spec"]
    assert deny["podSelector"] == {} and deny["policyTypes"] == ["Ingress"] and "ingress" not in deny
    pods = {
        **of_kind(resources, "Deployment"),
        **of_kind(resources, "StatefulSet"),
        **of_kind(resources, "Job"),
    }

    def selected(selector: dict[str, Any]) -> set[str]:
        wanted = selector.get("matchLabels", {}).items()
        return {name for name, r in pods.items() if wanted <= labels_of(r).items()}

    for target, port in (("users-db", 5432), ("redis", 6379)):
        allowed: set[str] = set()
        for policy in policies.values():
            if target not in selected(policy["spec"]["podSelector"]) or not policy["spec"]["podSelector"]:
                continue
            for rule in policy["spec"].get("ingress", []):
                assert [p["port"] for p in rule["ports"]] == [port]
                for peer in rule["from"]:
                    assert set(peer) == {"podSelector"}, (
                        f"{target} admits traffic beyond this namespace's pods"
                    )
                    allowed |= selected(peer["podSelector"])
        assert allowed == {"users", "users-migrate"}, f"{target} is reachable from {allowed}"


def test_ingress_sends_every_path_to_the_gateway(rendered: dict[str, list[dict[str, Any]]]) -> None:
    for environment in ENVIRONMENTS:
        ingress = of_kind(rendered[environment], "Ingress")["gateway"]
        for rule in ingress["spec"]["rules"]:
            for path in rule["http"]["paths"]:
                assert path["backend"]["service"]["name"] == "gateway"
                assert path["path"] == "/" and path["pathType"] == "Prefix"
    assert of_kind(rendered["prod"], "Ingress")["gateway"]["spec"]["tls"]


def test_no_secret_value_is_committed() -> None:
    for path in KUBE.rglob("*"):
        if path.is_file() and path.suffix == ".yaml":
            for doc in load_yaml_documents(path):
                assert doc.get("kind") != "Secret", f"{path} commits a Secret"
                for generator in doc.get("secretGenerator", []):
                    assert "literals" not in generator, f"{path} commits secret values"
                    assert generator["envs"] == ["secrets.env"]
    for example in KUBE.glob("overlays/*/secrets.env.example"):
        values = [
            line.split("=", 1)[1]
            for line in example.read_text().splitlines()
            if line and not line.startswith("#")
        ]
        assert values and not any(values), f"{example} holds values"
    assert "overlays/*/secrets.env" in (KUBE / ".gitignore").read_text().splitlines()


def test_overlays_pin_the_namespace_and_generate_the_secret(
    rendered: dict[str, list[dict[str, Any]]],
) -> None:
    for environment, namespace in (("dev", "microservices-dev"), ("prod", "microservices")):
        resources = rendered[environment]
        assert {r["metadata"].get("namespace") for r in resources if r["kind"] != "Namespace"} == {namespace}
        assert len(of_kind(resources, "Secret")) == 1
        assert (
            of_kind(resources, "Namespace")[namespace]["metadata"]["labels"][
                "pod-security.kubernetes.io/enforce"
            ]
            == "restricted"
        )


def test_deploy_script_pins_every_image_to_the_tag(kustomize_sandbox: Path, tmp_path: Path) -> None:
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    log = tmp_path / "kubectl.log"
    out = tmp_path / "applied.yaml"
    fake = bin_dir / "kubectl"
    fake.write_text(
        "#!/bin/sh\n"
        f'echo "$*" >> "{log}"\n'
        f'if [ "$1" = apply ]; then exec "{tool("kubectl")}" kustomize "$3" > "{out}"; fi\n'
    )
    fake.chmod(0o755)
    shutil.copy(KUBE / "deploy.sh", kustomize_sandbox / "deploy.sh")
    result = run(
        "bash",
        str(kustomize_sandbox / "deploy.sh"),
        "prod",
        "0123abc",
        env={"PATH": f"{bin_dir}:/usr/bin:/bin", "IMAGE_REGISTRY": "registry.test/team/"},
    )
    assert result.returncode == 0, result.stderr
    calls = log.read_text().splitlines()
    assert calls[0] == "delete job users-migrate --namespace microservices --ignore-not-found"
    assert calls[1].startswith("apply -k ")
    assert calls[2].startswith("wait job/users-migrate --namespace microservices --for=condition=complete")
    assert [c.split()[2] for c in calls[3:]] == [
        f"deployment/{d}" for d in ("users", "client", "swagger", "gateway")
    ]
    images = {
        c["image"]
        for doc in load_yaml_documents(out)
        if doc["kind"] in WORKLOAD_KINDS
        for c in pod_spec(doc)["containers"]
    }
    assert {
        f"registry.test/team/{name}:0123abc" for name in ("users", "client", "swagger", "gateway")
    } < images
    assert all(":" in image and not image.endswith(":latest") for image in images)
    assert not list((kustomize_sandbox / "overlays").glob(".deploy.*"))
