"""The kustomize base and overlays render, validate strictly, and keep the promises of the docs."""

from __future__ import annotations

import re
import shutil
import sys
import time
from pathlib import Path
from typing import Any

import pytest
import yaml
from conftest import (
    ROOT,
    TEST_SIGNING_KEY,
    container_environment,
    load_yaml_documents,
    of_kind,
    production_settings,
    run,
    tool,
)
from gateway_tests.harness import nginx, start_container

KUBE = ROOT / "deploy" / "kubernetes"
KIND_CONFIG = KUBE / "kind-config.yaml"
MANIFESTS = sorted(p for p in KUBE.rglob("*.yaml") if p.name != "kustomization.yaml" and p != KIND_CONFIG)
APPLICATION_DEPLOYMENTS = ("users", "users-relay", "items", "items-consumer", "client", "swagger", "gateway")
MIGRATION_JOBS = ("users-migrate", "items-migrate")
ENVIRONMENTS = ("base", "dev", "prod")
WORKLOAD_KINDS = {"Deployment", "StatefulSet", "Job"}


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
    assert set(of_kind(resources, "Deployment")) == {*APPLICATION_DEPLOYMENTS, "redis"}
    assert set(of_kind(resources, "StatefulSet")) == {"users-db", "items-db"}
    assert set(of_kind(resources, "Service")) == {
        "users",
        "items",
        "client",
        "swagger",
        "gateway",
        "users-db",
        "items-db",
        "redis",
    }
    assert set(of_kind(resources, "Job")) == set(MIGRATION_JOBS)
    assert set(of_kind(resources, "HorizontalPodAutoscaler")) == {"users", "items"}
    assert {"users", "items"} <= set(of_kind(resources, "PodDisruptionBudget"))


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
        "items": 5000,
        "items-db": 5432,
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
        if "ports" in d["spec"]["template"]["spec"]["containers"][0]
    }
    assert container_ports == {
        "users": 5000,
        "items": 5000,
        "client": 80,
        "swagger": 8080,
        "gateway": 8080,
        "redis": 6379,
    }
    # The gateway image started in a pod of the namespace "shop".
    conf = start_container(
        "kubernetes",
        tmp_path,
        resolv_conf="search shop.svc.cluster.local svc.cluster.local\nnameserver 10.96.0.10\n",
        env={"KUBERNETES_SERVICE_HOST": "10.96.0.1"},
    )
    gateway_conf = "".join(path.read_text() for path in conf.parent.rglob("*.conf"))
    for upstream in ("users", "items", "client", "swagger"):
        assert f"{upstream}.shop.svc.cluster.local:{ports[upstream]} resolve" in gateway_conf


def config_map(resources: list[dict[str, Any]], name: str) -> dict[str, Any]:
    """The ConfigMap a generator named ``name`` made (its name carries a content hash)."""
    (found,) = [c for n, c in of_kind(resources, "ConfigMap").items() if n.rsplit("-", 1)[0] == name]
    return found


def gateway_settings(resources: list[dict[str, Any]]) -> dict[str, str]:
    """The gateway container's environment with each ConfigMap key it names looked up."""
    container = pod_spec(of_kind(resources, "Deployment")["gateway"])["containers"][0]
    config_maps = of_kind(resources, "ConfigMap")
    settings = {}
    for entry in container.get("env", []):
        reference = entry["valueFrom"]["configMapKeyRef"]
        assert not reference.get("optional"), f"the gateway starts without {entry['name']}"
        settings[entry["name"]] = config_maps[reference["name"]]["data"][reference["key"]]
    return settings


# SECURITY row 61: client-identity-behind-proxies
# SECURITY row 69: hsts-everywhere-https
@pytest.mark.parametrize("environment", ["dev", "prod"])
def test_the_gateway_trusts_the_ingress_hop_and_knows_the_public_scheme(
    rendered: dict[str, list[dict[str, Any]]], environment: str, tmp_path: Path
) -> None:
    resources = rendered[environment]
    settings = gateway_settings(resources)
    users_config = config_map(resources, "users-config")["data"]
    # The same values the users pods read.
    assert settings == {name: users_config[name] for name in ("TRUSTED_PROXIES", "PUBLIC_URL")}
    assert users_config["TRUSTED_PROXIES"] == "10.0.0.0/8,172.16.0.0/12,192.168.0.0/16,fc00::/7"
    # The gateway image, started in a pod with that environment.
    conf = start_container(
        "kubernetes",
        tmp_path,
        resolv_conf="search shop.svc.cluster.local svc.cluster.local\nnameserver 10.96.0.10\n",
        env={"KUBERNETES_SERVICE_HOST": "10.96.0.1"} | settings,
    )
    result = nginx("-T", conf=conf)
    assert result.returncode == 0, result.stderr
    for proxy in settings["TRUSTED_PROXIES"].split(","):
        assert f"set_real_ip_from {proxy};" in result.stdout
    scheme = "https" if environment == "prod" else "http"
    assert settings["PUBLIC_URL"].startswith(f"{scheme}://")
    assert f"map {scheme} $strict_transport_security {{" in result.stdout


@pytest.mark.parametrize("environment", ENVIRONMENTS)
def test_every_root_filesystem_is_read_only(
    rendered: dict[str, list[dict[str, Any]]], environment: str
) -> None:
    for resource in rendered[environment]:
        if resource["kind"] in WORKLOAD_KINDS:
            for container in pod_spec(resource)["containers"]:
                name = f"{resource['kind']}/{resource['metadata']['name']}"
                assert container["securityContext"]["readOnlyRootFilesystem"] is True, name
    gateway = pod_spec(of_kind(rendered[environment], "Deployment")["gateway"])
    # Where the gateway's start script renders its configuration.
    assert {"name": "tmp", "mountPath": "/tmp"} in gateway["containers"][0]["volumeMounts"]
    assert any(volume["name"] == "tmp" and "emptyDir" in volume for volume in gateway["volumes"])


def redis_options(arguments: list[str]) -> dict[str, str]:
    """``--name value`` pairs of a redis-server command line."""
    options = {}
    for index, argument in enumerate(arguments):
        if argument.startswith("--"):
            options[argument[2:]] = arguments[index + 1]
    return options


# SECURITY row 73: limiter-not-evictable
@pytest.mark.parametrize("environment", ENVIRONMENTS)
def test_the_limiters_redis_never_evicts(rendered: dict[str, list[dict[str, Any]]], environment: str) -> None:
    container = pod_spec(of_kind(rendered[environment], "Deployment")["redis"])["containers"][0]
    options = redis_options(container["args"])
    assert options["maxmemory-policy"] == "noeviction"
    assert options["maxmemory"] == "128mb"
    # Room for Redis itself and its append-only file's rewrite beside its data.
    assert container["resources"]["limits"]["memory"] == "256Mi"


@pytest.mark.parametrize("environment", ENVIRONMENTS)
def test_redis_keeps_the_event_stream_on_a_volume(
    rendered: dict[str, list[dict[str, Any]]], environment: str
) -> None:
    # The relay marks an event published once Redis has it: a restart must not lose it.
    resources = rendered[environment]
    redis = of_kind(resources, "Deployment")["redis"]
    spec = pod_spec(redis)
    (container,) = spec["containers"]
    options = redis_options(container["args"])
    assert options["appendonly"] == "yes"
    assert options["appendfsync"] in ("everysec", "always")
    # The directory of the append-only file is a volume claimed for good, not an emptyDir.
    (mount,) = [m for m in container["volumeMounts"] if m["mountPath"] == options["dir"]]
    (volume,) = [v for v in spec["volumes"] if v["name"] == mount["name"]]
    claim = of_kind(resources, "PersistentVolumeClaim")[volume["persistentVolumeClaim"]["claimName"]]
    assert claim["spec"]["accessModes"] == ["ReadWriteOnce"]
    assert claim["spec"]["resources"]["requests"]["storage"]
    # One pod mounts the claim at a time: the old one is gone before the new one starts.
    assert redis["spec"]["replicas"] == 1
    assert redis["spec"]["strategy"]["type"] == "Recreate"
    # The non-root Redis may write to the volume.
    assert spec["securityContext"]["fsGroup"] == spec["securityContext"]["runAsGroup"]


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


def network_peers(resources: list[dict[str, Any]]) -> Any:
    """``allowed(target, port)``: the workloads whose pods the NetworkPolicies let reach the pods
    of workload ``target`` on ``port`` (every other port is refused)."""
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

    def allowed(target: str, port: int) -> set[str]:
        peers: set[str] = set()
        for policy in policies.values():
            if target not in selected(policy["spec"]["podSelector"]) or not policy["spec"]["podSelector"]:
                continue
            for rule in policy["spec"].get("ingress", []):
                assert [p["port"] for p in rule["ports"]] == [port]
                for peer in rule["from"]:
                    if "namespaceSelector" in peer:
                        peers.add("(another namespace)")
                        continue
                    assert set(peer) == {"podSelector"}
                    peers |= selected(peer["podSelector"])
        return peers

    return allowed


def test_each_database_is_reached_by_its_own_service_only(rendered: dict[str, list[dict[str, Any]]]) -> None:
    allowed = network_peers(rendered["prod"])
    assert allowed("users-db", 5432) == {"users", "users-migrate", "users-relay"}
    assert allowed("items-db", 5432) == {"items", "items-migrate", "items-consumer"}
    # Redis: the users service's limits and its relay; the items consumer reads the events.
    assert allowed("redis", 6379) == {"users", "users-migrate", "users-relay", "items-consumer"}


def test_items_reach_users_only_from_the_items_api_for_the_key_set(
    rendered: dict[str, list[dict[str, Any]]],
) -> None:
    resources = rendered["prod"]
    allowed = network_peers(resources)
    assert allowed("users", 5000) == {"gateway", "items"}
    assert allowed("items", 5000) == {"gateway"}
    # Nothing else of the items service talks to users: no consumer, no Job, no feed token.
    assert allowed("users-relay", 5000) == set() and allowed("items-consumer", 5000) == set()
    items_config = config_map(resources, "items-config")["data"]
    assert items_config["USERS_JWKS_URL"] == "http://users:5000/auth/jwks.json"
    for name in ("items", "items-consumer"):
        env = container_environment(of_kind(resources, "Deployment")[name], resources)
        assert "EVENTS_FEED_TOKEN" not in env and "JWT_PRIVATE_KEYS" not in env
        assert "DATABASE_URL" not in env and "@items-db:5432/items" in env["ITEMS_DATABASE_URL"].value
    assert "EVENTS_FEED_TOKEN" not in config_map(resources, "users-config")["data"]


def test_the_relay_and_the_consumer_meet_in_redis(rendered: dict[str, list[dict[str, Any]]]) -> None:
    resources = rendered["prod"]
    deployments = of_kind(resources, "Deployment")
    relay = pod_spec(deployments["users-relay"])["containers"][0]
    consumer = pod_spec(deployments["items-consumer"])["containers"][0]
    assert relay["args"] == ["relay"]
    assert consumer["args"] == ["consume"]
    assert relay["image"] == pod_spec(deployments["users"])["containers"][0]["image"]
    assert consumer["image"] == pod_spec(deployments["items"])["containers"][0]["image"]
    relay_env = container_environment(deployments["users-relay"], resources)
    consumer_env = container_environment(deployments["items-consumer"], resources)
    assert relay_env["REDIS_URL"].value == consumer_env["REDIS_URL"].value == "redis://redis:6379/0"
    # The relay starts as the users pods do: production refuses to start without these.
    users_env = container_environment(deployments["users"], resources)
    for name in ("DATABASE_URL", "SECRET_KEY", "JWT_PRIVATE_KEYS", "APP_ENV"):
        assert relay_env[name] == users_env[name], name
    # One consumer at a time, also during a rollout.
    assert deployments["items-consumer"]["spec"]["strategy"]["type"] == "Recreate"


def test_the_signing_keys_come_from_the_overlays_key_file(rendered: dict[str, list[dict[str, Any]]]) -> None:
    for overlay in ("dev", "prod"):
        resources = rendered[overlay]
        (secret,) = of_kind(resources, "Secret").values()
        assert "JWT_PRIVATE_KEYS" in secret["data"]
        for name in ("users", "users-relay"):
            env = container_environment(of_kind(resources, "Deployment")[name], resources)
            assert env["JWT_PRIVATE_KEYS"].value == "JWT_PRIVATE_KEYS"
        job = container_environment(of_kind(resources, "Job")["users-migrate"], resources)
        assert job["JWT_PRIVATE_KEYS"].value == "JWT_PRIVATE_KEYS"
    assert "overlays/*/jwt-private-keys.pem" in (KUBE / ".gitignore").read_text().splitlines()


def test_items_scale_and_keep_a_replica_during_disruptions(rendered: dict[str, list[dict[str, Any]]]) -> None:
    for environment in ENVIRONMENTS:
        resources = rendered[environment]
        hpa = of_kind(resources, "HorizontalPodAutoscaler")["items"]
        assert hpa["spec"]["scaleTargetRef"]["name"] == "items"
        items = of_kind(resources, "Deployment")["items"]
        assert "replicas" not in items["spec"]
        pdb = of_kind(resources, "PodDisruptionBudget")["items"]
        assert pdb["spec"]["selector"]["matchLabels"].items() <= labels_of(items).items()
        probes = pod_spec(items)["containers"][0]
        assert probes["readinessProbe"]["httpGet"]["path"] == "/health/ready"
        assert probes["livenessProbe"]["httpGet"]["path"] == "/health/live"
    assert of_kind(rendered["prod"], "HorizontalPodAutoscaler")["items"]["spec"]["minReplicas"] >= 3


def test_the_items_migration_job_runs_the_items_image(rendered: dict[str, list[dict[str, Any]]]) -> None:
    resources = rendered["prod"]
    job = pod_spec(of_kind(resources, "Job")["items-migrate"])["containers"][0]
    items = pod_spec(of_kind(resources, "Deployment")["items"])["containers"][0]
    assert job["args"] == ["migrate"] and items["args"] == ["serve"]
    assert job["image"] == items["image"]
    env = container_environment(of_kind(resources, "Deployment")["items"], resources)
    assert env["MIGRATE_ON_START"].value == "false"


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


def source_default(path: Path, pattern: str) -> int:
    match = re.search(pattern, path.read_text())
    assert match, f"{pattern} not found in {path}"
    return int(match.group(1))


KIT_SOURCE = ROOT / "services" / "kit" / "service_kit"


def database_connections(resources: list[dict[str, Any]]) -> tuple[int, int]:
    """The users pods' most database connections, and what users-db accepts from them."""
    users = of_kind(resources, "Deployment")["users"]
    env = container_environment(users, resources)
    assert "WEB_CONCURRENCY" in env, "unset, every pod runs one worker per CPU of its node"

    def setting(name: str, default: int) -> int:
        return int(env[name].value) if name in env else default

    workers = setting("WEB_CONCURRENCY", 0)
    threads = setting(
        "WEB_THREADS", source_default(KIT_SOURCE / "runtime" / "server.py", r'"WEB_THREADS", (\d+)\)')
    )
    pool = setting(
        "DB_POOL_SIZE",
        source_default(KIT_SOURCE / "runtime" / "settings.py", r"DB_POOL_SIZE: int = Field\(default=(\d+)"),
    ) + setting(
        "DB_MAX_OVERFLOW",
        source_default(
            KIT_SOURCE / "runtime" / "settings.py", r"DB_MAX_OVERFLOW: int = Field\(default=(\d+)"
        ),
    )
    # A worker's threads each hold at most one pooled connection.
    per_pod = workers * min(threads, pool)
    pods = of_kind(resources, "HorizontalPodAutoscaler")["users"]["spec"]["maxReplicas"]
    pods += int(users["spec"]["strategy"]["rollingUpdate"]["maxSurge"])  # a rollout at the maximum
    job = of_kind(resources, "Job")["users-migrate"]
    migration = int(job["spec"].get("parallelism", 1))
    (database,) = pod_spec(of_kind(resources, "StatefulSet")["users-db"])["containers"]
    options = dict(re.findall(r"(\w+)=(\S+)", " ".join(database.get("args", []))))
    accepted = int(options.get("max_connections", 100)) - int(
        options.get("superuser_reserved_connections", 3)
    )
    return pods * per_pod + migration, accepted


@pytest.mark.parametrize("environment", ENVIRONMENTS)
def test_the_autoscalers_maximum_fits_the_databases_connections(
    rendered: dict[str, list[dict[str, Any]]], environment: str
) -> None:
    needed, accepted = database_connections(rendered[environment])
    assert needed <= accepted, f"{environment}: up to {needed} connections, users-db accepts {accepted}"


def test_connection_budget_counts_every_worker_thread(rendered: dict[str, list[dict[str, Any]]]) -> None:
    """The budget grows with the autoscaler's maximum, so doubling it must break the fit."""
    resources = [dict(r) for r in rendered["prod"]]
    hpa = next(
        r for r in resources if r["kind"] == "HorizontalPodAutoscaler" and r["metadata"]["name"] == "users"
    )
    before, accepted = database_connections(resources)
    hpa["spec"] = dict(hpa["spec"], maxReplicas=2 * hpa["spec"]["maxReplicas"])
    after, _ = database_connections(resources)
    assert after > accepted >= before


def test_kind_cluster_answers_on_localhost(rendered: dict[str, list[dict[str, Any]]]) -> None:
    config = yaml.safe_load(KIND_CONFIG.read_text())
    assert (config["kind"], config["apiVersion"]) == ("Cluster", "kind.x-k8s.io/v1alpha4")
    (node,) = [n for n in config["nodes"] if n["role"] == "control-plane"]
    # ingress-nginx's manifest for kind schedules its controller only on such a node, with
    # host ports 80 and 443: kind must map them to this machine.
    assert node["labels"]["ingress-ready"] == "true"
    mappings = {m["containerPort"]: m for m in node["extraPortMappings"]}
    assert mappings[80]["hostPort"] == 80 and mappings[443]["hostPort"] == 443
    assert all(m.get("listenAddress") == "127.0.0.1" for m in mappings.values())
    ingress = of_kind(rendered["dev"], "Ingress")["gateway"]
    assert ingress["spec"]["ingressClassName"] == "nginx"
    assert "host" not in ingress["spec"]["rules"][0], "the dev Ingress must answer http://localhost"
    docs = (ROOT / "docs" / "deployment.md").read_text()
    assert f"kind create cluster --config {KIND_CONFIG.relative_to(ROOT)}" in docs
    assert config_map(rendered["dev"], "users-config")["data"]["PUBLIC_URL"] == "http://localhost"


def fill_secrets(overlay_dir: Path, **overrides: str) -> None:
    lines = []
    for line in (overlay_dir / "secrets.env.example").read_text().splitlines():
        if line and not line.startswith("#"):
            name = line.split("=", 1)[0]
            line = f"{name}={overrides.get(name, f'{name.lower()}-0123456789abcdef0123456789abcdef')}"
        lines.append(line)
    (overlay_dir / "secrets.env").write_text("\n".join(lines) + "\n")


FAKE_KUBECTL = """#!{python}
# A cluster that records what is applied, and whose migration Jobs end as JOB_OUTCOME says.
import os, subprocess, sys
from pathlib import Path
import yaml

state = Path({state!r})
args = sys.argv[1:]
with (state / "calls.log").open("a") as log:
    log.write(" ".join(args) + "\\n")
applied = state / "applied.log"
if args[0] == "apply":
    directory = args[args.index("-k") + 1]
    output = subprocess.run([{kubectl!r}, "kustomize", directory], capture_output=True, text=True)
    if output.returncode:
        sys.exit(output.stderr)
    number = len(list(state.glob("apply-*.yaml")))
    (state / f"apply-{{number}}.yaml").write_text(output.stdout)
    with applied.open("a") as log:
        for doc in yaml.safe_load_all(output.stdout):
            log.write(f"{{number}} {{doc['kind']}}/{{doc['metadata']['name']}}\\n")
elif args[:2] == ["get", "job"]:
    job = args[2]
    if not applied.exists() or f"Job/{{job}}" not in applied.read_text():
        sys.exit(f'Error from server (NotFound): jobs.batch "{{job}}" not found')
    print(os.environ.get("JOB_OUTCOME_" + job.replace("-", "_").upper(), os.environ["JOB_OUTCOME"]))
elif args[0] == "logs":
    print("alembic: migration failed")
"""


def deploy_with_a_fake_cluster(
    sandbox: Path,
    tmp_path: Path,
    outcome: str,
    shell: list[str],
    overlay: str = "prod",
    **outcomes: str,
) -> tuple[Any, list[str], list[str], Path]:
    copy = tmp_path / "kubernetes"
    shutil.copytree(sandbox, copy)
    shutil.copy(KUBE / "deploy.sh", copy / "deploy.sh")
    fill_secrets(copy / "overlays" / overlay)
    state = tmp_path / "state"
    state.mkdir()
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    fake = bin_dir / "kubectl"
    fake.write_text(FAKE_KUBECTL.format(python=sys.executable, state=str(state), kubectl=tool("kubectl")))
    fake.chmod(0o755)
    result = run(
        *shell,
        str(copy / "deploy.sh"),
        overlay,
        "0123abc",
        env={
            "PATH": f"{bin_dir}:/usr/bin:/bin",
            "IMAGE_REGISTRY": "registry.test/team/",
            "JOB_OUTCOME": outcome,
        }
        | outcomes,
    )
    calls = (state / "calls.log").read_text().splitlines() if (state / "calls.log").exists() else []
    applied = (state / "applied.log").read_text().splitlines() if (state / "applied.log").exists() else []
    assert not list((copy / "overlays").glob(".deploy.*")), "the throwaway kustomizations stay behind"
    return result, calls, applied, state


SHELLS = {"bash": ["bash"], "posix": ["bash", "--posix"], "compat-3.2": ["env", "BASH_COMPAT=3.2", "bash"]}


@pytest.mark.parametrize("shell", SHELLS, ids=list(SHELLS))
def test_deploy_script_migrates_before_any_new_code_runs(
    kustomize_sandbox: Path, tmp_path: Path, shell: str
) -> None:
    result, calls, applied, state = deploy_with_a_fake_cluster(
        kustomize_sandbox, tmp_path, "SuccessCriteriaMet Complete", SHELLS[shell]
    )
    assert result.returncode == 0, result.stderr
    assert calls[: len(MIGRATION_JOBS)] == [
        f"delete job {job} --namespace microservices --ignore-not-found" for job in MIGRATION_JOBS
    ]
    # Both Jobs go in the first apply, the one before any Deployment.
    firsts = {
        min(int(line.split()[0]) for line in applied if line.endswith(f" Job/{job}"))
        for job in MIGRATION_JOBS
    }
    (job_call,) = firsts
    first_app_call = min(
        int(line.split()[0])
        for line in applied
        if line.split()[1] in {f"Deployment/{name}" for name in APPLICATION_DEPLOYMENTS}
    )
    assert job_call < first_app_call, "the Deployments are applied with the migration Job, not after it"
    apply_calls = [i for i, call in enumerate(calls) if call.startswith("apply ")]
    for job in MIGRATION_JOBS:
        job_checks = [i for i, call in enumerate(calls) if call.startswith(f"get job {job} ")]
        assert (
            job_checks
            and apply_calls[job_call] < min(job_checks) <= max(job_checks) < apply_calls[first_app_call]
        )
    # What the migration needs is there when it runs; no new code is.
    before = {line.split()[1] for line in applied if int(line.split()[0]) == job_call}
    assert {"Secret", "ConfigMap", "StatefulSet", "NetworkPolicy"} <= {k.split("/")[0] for k in before}
    assert "HorizontalPodAutoscaler/users" not in before
    assert "HorizontalPodAutoscaler/items" not in before
    assert not {f"Deployment/{name}" for name in APPLICATION_DEPLOYMENTS} & before
    assert [c.split()[2] for c in calls if c.startswith("rollout status")] == [
        f"deployment/{d}" for d in APPLICATION_DEPLOYMENTS
    ]
    images = {
        c["image"]
        for doc in load_yaml_documents(state / f"apply-{first_app_call}.yaml")
        if doc["kind"] in WORKLOAD_KINDS
        for c in pod_spec(doc)["containers"]
    }
    assert {f"registry.test/team/{name}:0123abc" for name in ("users", "items", "client", "swagger")} < images
    assert "registry.test/team/gateway:0123abc-kubernetes" in images
    assert all(":" in image and not image.endswith(":latest") for image in images)


@pytest.mark.parametrize("job", MIGRATION_JOBS)
def test_deploy_script_stops_at_once_when_the_migration_fails(
    kustomize_sandbox: Path, tmp_path: Path, job: str
) -> None:
    started = time.monotonic()
    failed = {"JOB_OUTCOME_" + job.replace("-", "_").upper(): "FailureTarget Failed"}
    result, calls, applied, _ = deploy_with_a_fake_cluster(
        kustomize_sandbox, tmp_path, "SuccessCriteriaMet Complete", ["bash"], **failed
    )
    assert time.monotonic() - started < 60, "a failed Job must not wait for the timeout"
    assert result.returncode == 1
    assert f"{job} Job failed" in result.stderr and "alembic: migration failed" in result.stderr
    assert not any(
        line.split()[1] == f"Deployment/{name}" for line in applied for name in APPLICATION_DEPLOYMENTS
    )
    assert not any(call.startswith("rollout") for call in calls)


def secret_keys_behind(setting: str, resources: list[dict[str, Any]]) -> set[str]:
    """The users-secrets keys a users pod's setting is made of."""
    env = container_environment(of_kind(resources, "Deployment")["users"], resources)
    source = env[setting]
    if source.value in env or not re.search(r"\$\(", source.value):
        return {source.value}
    return {env[ref].value for ref in re.findall(r"\$\((\w+)\)", source.value)}


@pytest.mark.parametrize("overlay", ["dev", "prod"])
def test_deploy_script_refuses_empty_secrets(
    kustomize_sandbox: Path, tmp_path: Path, rendered: dict[str, list[dict[str, Any]]], overlay: str
) -> None:
    # Every required secret the users pods read, down to the Secret's keys it is made of
    # (DATABASE_URL of POSTGRES_PASSWORD); development needs no mail server.
    required = {
        key
        for setting in production_settings()
        if setting.required and setting.secret and "serve" in setting.processes
        for key in secret_keys_behind(setting.name, rendered["prod"])
    }
    assert {"SECRET_KEY", "POSTGRES_PASSWORD", "SMTP_URL", "JWT_PRIVATE_KEYS"} <= required
    # The items pods' database password, the one secret they read.
    items_env = container_environment(of_kind(rendered["prod"], "Deployment")["items"], rendered["prod"])
    required |= {source.value for source in items_env.values() if source.secret and "$(" not in source.value}
    assert "ITEMS_POSTGRES_PASSWORD" in required
    if overlay == "dev":
        required.discard("SMTP_URL")
    copy = tmp_path / "kubernetes"
    shutil.copytree(kustomize_sandbox, copy)
    shutil.copy(KUBE / "deploy.sh", copy / "deploy.sh")
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    (bin_dir / "kubectl").write_text(f'#!/bin/sh\necho "$*" >> "{tmp_path / "calls.log"}"\n')
    (bin_dir / "kubectl").chmod(0o755)
    for key in sorted(required):
        fill_secrets(copy / "overlays" / overlay, **{key: ""})
        # The signing keys are a file of their own (a key spans lines).
        keys = copy / "overlays" / overlay / "jwt-private-keys.pem"
        keys.write_text("" if key == "JWT_PRIVATE_KEYS" else TEST_SIGNING_KEY)
        result = run(
            "bash", str(copy / "deploy.sh"), overlay, "0123abc", env={"PATH": f"{bin_dir}:/usr/bin:/bin"}
        )
        assert result.returncode == 1 and key in result.stderr, (key, result.stderr)
        assert not (tmp_path / "calls.log").exists(), f"the cluster was changed with an empty {key}"
