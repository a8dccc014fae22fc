"""Every target's configuration passes `nginx -t` and says what each target needs, from Nginx
files only: the local one as `make up` renders it, the container ones as the image starts them."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tools.gateway import NGINX_DIR, TEMPLATE_SUFFIX, GatewayError, render, substitute

from .harness import DOCKERFILE, ENTRYPOINT_SCRIPT, TARGETS, envsubst, nginx, rendered

KUBERNETES_RESOLV_CONF = "search shop.svc.cluster.local svc.cluster.local\nnameserver 10.96.0.10\n"


def dump(conf: Path) -> str:
    """The whole configuration nginx reads, included files expanded (`nginx -T`)."""
    result = nginx("-T", conf=conf)
    assert result.returncode == 0, result.stderr
    return result.stdout


def kubernetes(tmp: Path, env: dict[str, str] | None = None) -> str:
    conf = rendered(
        "kubernetes",
        tmp,
        resolv_conf=KUBERNETES_RESOLV_CONF,
        env={"KUBERNETES_SERVICE_HOST": "10.96.0.1"} | (env or {}),
    )
    return dump(conf)


@pytest.mark.parametrize("target", TARGETS)
def test_every_target_passes_nginx_t(tmp_path: Path, target: str) -> None:
    result = nginx("-t", conf=rendered(target, tmp_path))
    assert result.returncode == 0, result.stderr
    assert "test is successful" in result.stderr


@pytest.mark.parametrize("target", TARGETS)
def test_every_variable_gets_a_value(tmp_path: Path, target: str) -> None:
    conf = rendered(target, tmp_path)
    for path in conf.parent.rglob("*.conf"):
        directives = [line.split("#", 1)[0] for line in path.read_text().splitlines()]
        assert not [line for line in directives if "GATEWAY_" in line], path


def test_the_renderer_substitutes_exactly_as_envsubst(tmp_path: Path) -> None:
    # Every template of every target, with a value for each variable it names.
    for template in NGINX_DIR.rglob(f"*{TEMPLATE_SUFFIX}"):
        text = template.read_text()
        names = sorted(set(re.findall(r"GATEWAY_\w+", text)))
        values = {name: f"value-of-{name.lower()}" for name in names}
        listed = " ".join(f"${{{name}}}" for name in names)
        assert substitute(text, values, template) == envsubst(text, listed, values), template
    # Nginx's own variables are left alone; a GATEWAY_ variable without a value is refused.
    assert substitute("proxy_set_header Host $host;", {}, tmp_path) == "proxy_set_header Host $host;"
    with pytest.raises(GatewayError, match="GATEWAY_MISSING"):
        substitute("listen ${GATEWAY_MISSING};", {}, tmp_path)


@pytest.mark.parametrize("target", TARGETS)
def test_the_public_scheme_follows_public_url(tmp_path: Path, target: str) -> None:
    for public_url, scheme in (
        ("https://app.example.com", "https"),
        ("HTTPS://app.example.com", "https"),
        ("http://localhost:8080", "http"),
        ("", "http"),
    ):
        config = dump(
            rendered(target, tmp_path / str(len(list(tmp_path.iterdir()))), env={"PUBLIC_URL": public_url})
        )
        assert f"map {scheme} $strict_transport_security {{" in config, public_url


def test_container_targets_resolve_services_at_run_time(tmp_path: Path) -> None:
    config = dump(rendered("compose", tmp_path))
    assert "server users:5000 resolve max_fails=3 fail_timeout=5s;" in config
    assert "server items:5000 resolve max_fails=3 fail_timeout=5s;" in config
    assert "server client:80 resolve" in config
    assert "server swagger:8080 resolve" in config
    assert "resolver 127.0.0.11 valid=10s;" in config
    assert not re.search(r"^\s*set_real_ip_from", config, re.M)


def test_kubernetes_qualifies_service_names_and_trusts_the_ingress(tmp_path: Path) -> None:
    config = kubernetes(tmp_path)
    assert "server users.shop.svc.cluster.local:5000 resolve" in config
    assert "server items.shop.svc.cluster.local:5000 resolve" in config
    assert "server client.shop.svc.cluster.local:80 resolve" in config
    assert "server swagger.shop.svc.cluster.local:8080 resolve" in config
    assert "resolver 10.96.0.10 valid=10s;" in config


@pytest.mark.parametrize("target", TARGETS)
def test_every_target_takes_its_trusted_proxies_from_trusted_proxies(tmp_path: Path, target: str) -> None:
    proxies = "10.0.0.0/8,172.16.0.0/12,192.168.0.0/16,fc00::/7"
    config = dump(rendered(target, tmp_path / "set", env={"TRUSTED_PROXIES": proxies}))
    for proxy in proxies.split(","):
        assert f"set_real_ip_from {proxy};" in config
    assert "real_ip_header X-Forwarded-For;" in config
    assert "real_ip_recursive on;" in config
    # Nothing is trusted unless TRUSTED_PROXIES says so.
    assert not re.search(r"^\s*set_real_ip_from", dump(rendered(target, tmp_path / "unset")), re.M)


def test_an_ipv6_resolver_is_bracketed(tmp_path: Path) -> None:
    config = dump(rendered("compose", tmp_path, resolv_conf="nameserver fd00::a\n"))
    assert "resolver [fd00::a] valid=10s;" in config


def test_production_settings_are_the_defaults_and_can_be_overridden(tmp_path: Path) -> None:
    config = dump(rendered("compose", tmp_path / "defaults"))
    assert "client_header_timeout 10s;" in config
    assert "client_body_timeout 5s;" in config
    assert "worker_rlimit_nofile 8192;" in config
    assert "proxy_read_timeout 30s;" in config
    assert "listen 8080 default_server;" in config
    tuned = dump(rendered("compose", tmp_path / "tuned", env={"GATEWAY_UPSTREAM_TIMEOUT": "45s"}))
    assert "proxy_read_timeout 45s;" in tuned


def test_local_target_lists_every_replica(tmp_path: Path) -> None:
    users = ["127.0.0.1:5001", "127.0.0.1:5002"]
    conf = render(tmp_path / "out", port=8080, users=users, client_root=tmp_path, swagger_root=tmp_path)
    config = dump(conf)
    assert "server 127.0.0.1:5001 max_fails=3 fail_timeout=5s;" in config
    assert "server 127.0.0.1:5002 max_fails=3 fail_timeout=5s;" in config
    assert "listen 127.0.0.1:8080 default_server;" in config
    # Fewer instances the next time: the earlier ones are gone.
    dump_again = dump(
        render(tmp_path / "out", port=8080, users=users[:1], client_root=tmp_path, swagger_root=tmp_path)
    )
    assert "127.0.0.1:5002" not in dump_again


def test_local_target_lists_every_items_instance(tmp_path: Path) -> None:
    items = ["127.0.0.1:5101", "127.0.0.1:5102"]
    conf = render(
        tmp_path / "out",
        port=8080,
        users=["127.0.0.1:5001"],
        items=items,
        client_root=tmp_path,
        swagger_root=tmp_path,
    )
    assert "include target/items/*.conf;" in dump(conf)
    listed = "".join(path.read_text() for path in sorted((conf.parent / "target" / "items").glob("*.conf")))
    assert "server 127.0.0.1:5101 max_fails=3 fail_timeout=5s;" in listed
    assert "server 127.0.0.1:5102 max_fails=3 fail_timeout=5s;" in listed
    assert "5001" not in listed
    # Without instances the upstream holds one server that is never tried.
    render(tmp_path / "out", port=8080, users=["127.0.0.1:5001"], client_root=tmp_path, swagger_root=tmp_path)
    alone = "".join(path.read_text() for path in (conf.parent / "target" / "items").glob("*.conf"))
    assert "5101" not in alone
    assert "server 127.0.0.1:9 down;" in alone


def test_proxied_client_passes_websocket_upgrades_for_hot_reload(tmp_path: Path) -> None:
    config = dump(rendered("compose", tmp_path))
    client = config[config.index("location / {") :]
    assert "proxy_set_header Upgrade $http_upgrade;" in client
    assert "proxy_set_header Connection $connection_upgrade;" in client


def test_the_image_is_laid_out_and_started_as_the_tests_do() -> None:
    dockerfile = DOCKERFILE.read_text()
    for line in (
        "COPY services/nginx/nginx.conf.template services/nginx/gateway.env /etc/nginx/gateway/",
        "COPY services/nginx/snippets/ /etc/nginx/gateway/snippets/",
        "COPY services/nginx/targets/compose/ /etc/nginx/gateway/target/",
        "COPY services/nginx/targets/${TARGET}/ /etc/nginx/gateway/target/",
        "COPY services/nginx/gateway.envsh /docker-entrypoint.d/15-gateway.envsh",
        'CMD ["nginx", "-c", "/tmp/gateway/nginx.conf", "-g", "daemon off;"]',
    ):
        assert line in dockerfile
    assert "NGINX_ENVSUBST_TEMPLATE_DIR=/tmp/gateway" in dockerfile
    assert "NGINX_ENVSUBST_OUTPUT_DIR=/tmp/gateway" in dockerfile
    # The rendered configuration is written under /tmp only: the root filesystem may be read-only.
    assert ENTRYPOINT_SCRIPT.read_text().count('cp -R /etc/nginx/gateway/. "${gateway_conf}/"') == 1


def test_the_configuration_is_nginx_files_only() -> None:
    # No Nginx directives in Python, and nothing edits a rendered file at start.
    assert not [path for path in NGINX_DIR.rglob("*.py") if "tests" not in path.parts]
    renderer = (NGINX_DIR.parents[1] / "tools" / "gateway.py").read_text()
    assert not re.search(
        r"^\s*(location|upstream|server|add_header|proxy_\w+|listen)\b.*[;{]\s*$", renderer, re.M
    )
    assert not re.search(r"\bsed\b", ENTRYPOINT_SCRIPT.read_text())
