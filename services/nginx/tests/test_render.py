"""Every rendered variant of the gateway configuration passes `nginx -t`."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
import render

from tools.stack import find_nginx

NGINX_DIR = Path(render.__file__).resolve().parent


@pytest.mark.parametrize("target", ["local", "compose", "kubernetes"])
def test_rendered_config_passes_nginx_t(tmp_path: Path, target: str) -> None:
    out = tmp_path / target
    conf = render.render(
        render.Options(target=target, client_root=tmp_path, swagger_root=tmp_path, prefix=out, users=[]),
        out,
    )
    result = subprocess.run(
        [find_nginx(), "-t", "-p", str(out), "-c", str(conf)], capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    assert "test is successful" in result.stderr


def test_rendered_config_has_no_unfilled_placeholders(tmp_path: Path) -> None:
    for target in ("local", "compose", "kubernetes"):
        out = tmp_path / target
        render.render(
            render.Options(target=target, client_root=tmp_path, swagger_root=tmp_path, prefix=out),
            out,
        )
        for path in out.rglob("*.conf"):
            assert "{{" not in path.read_text(), path


def test_hsts_only_where_tls_terminates_in_front(tmp_path: Path) -> None:
    def headers(target: str) -> str:
        out = tmp_path / target
        render.render(
            render.Options(target=target, client_root=tmp_path, swagger_root=tmp_path, prefix=out),
            out,
        )
        return (out / "snippets" / "security-headers.conf").read_text()

    assert "Strict-Transport-Security" in headers("kubernetes")
    assert "max-age=31536000" in headers("kubernetes")
    assert "Strict-Transport-Security" not in headers("local")
    assert "Strict-Transport-Security" not in headers("compose")


def test_container_targets_resolve_services_at_run_time(tmp_path: Path) -> None:
    out = tmp_path / "compose"
    conf = render.render(render.Options(target="compose", prefix=out), out).read_text()
    assert "server users:5000 resolve" in conf
    assert "server client:80 resolve" in conf
    assert "server swagger:8080 resolve" in conf
    assert (out / "resolver.conf").read_text().startswith("resolver 127.0.0.11")


def test_local_target_lists_every_replica(tmp_path: Path) -> None:
    out = tmp_path / "local"
    conf = render.render(
        render.Options(
            target="local",
            users=["127.0.0.1:5001", "127.0.0.1:5002"],
            client_root=tmp_path,
            swagger_root=tmp_path,
            prefix=out,
        ),
        out,
    ).read_text()
    assert "server 127.0.0.1:5001 " in conf
    assert "server 127.0.0.1:5002 " in conf


def test_unknown_target_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="unknown target"):
        render.render(render.Options(target="heroku", prefix=tmp_path), tmp_path)


def test_production_timeouts_are_rendered_by_default(tmp_path: Path) -> None:
    out = tmp_path / "compose"
    conf = render.render(render.Options(target="compose", prefix=out), out).read_text()
    proxy = (out / "snippets" / "proxy-api.conf").read_text()
    assert "client_header_timeout 10s;" in conf
    assert "client_body_timeout 5s;" in conf
    assert "worker_rlimit_nofile 8192;" in conf
    assert "proxy_read_timeout 30s;" in proxy


def test_proxied_client_passes_websocket_upgrades_for_hot_reload(tmp_path: Path) -> None:
    out = tmp_path / "compose"
    conf = render.render(render.Options(target="compose", prefix=out), out).read_text()
    client = conf[conf.index("location / {") :]
    assert "proxy_set_header Upgrade $http_upgrade;" in client
    assert "proxy_set_header Connection $connection_upgrade;" in client


def test_kubernetes_start_script_qualifies_service_names(tmp_path: Path) -> None:
    out = tmp_path / "etc"
    render.render(render.Options(target="kubernetes", prefix=out), out)
    (tmp_path / "resolv.conf").write_text(
        "search shop.svc.cluster.local svc.cluster.local\nnameserver 10.96.0.10\n"
    )
    script = (
        (NGINX_DIR / "docker-resolver.sh")
        .read_text()
        .replace("/etc/resolv.conf", str(tmp_path / "resolv.conf"))
        .replace("/etc/nginx/", f"{out}/")
        .replace("/tmp/nginx.conf", str(tmp_path / "rewritten.conf"))
    )
    env = {"PATH": "/usr/bin:/bin", "KUBERNETES_SERVICE_HOST": "10.96.0.1"}
    subprocess.run(["sh", "-c", script], check=True, env=env)
    conf = (out / "nginx.conf").read_text()
    assert "server users.shop.svc.cluster.local:5000 resolve" in conf
    assert "server client.shop.svc.cluster.local:80 resolve" in conf
    assert (out / "resolver.conf").read_text().strip() == "resolver 10.96.0.10 valid=10s;"
