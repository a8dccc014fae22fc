#!/usr/bin/env python3
"""Render the gateway's Nginx configuration for one target.

One template, three targets:

* ``local``: ``make up``; serves the built client and Swagger UI from disk and proxies the
  API to the users instances on loopback.
* ``compose``: Docker Compose; proxies to the ``users``, ``client`` and ``swagger`` services,
  resolved through Docker's DNS at run time so that restarted containers are found again.
* ``kubernetes``: the same routes behind a cluster's ingress, with HSTS and the ingress
  trusted for the client address.

Only the standard library is used so that image builds can run this without installing anything.
"""

from __future__ import annotations

import argparse
import grp
import os
import pwd
import re
import shutil
import sys
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
TEMPLATE = HERE / "nginx.conf.template"
SNIPPETS = HERE / "snippets"
TARGETS = ("local", "compose", "kubernetes")
PLACEHOLDER = re.compile(r"\{\{(\w+)\}\}")
HSTS = 'add_header Strict-Transport-Security "max-age=31536000; includeSubDomains" always;'

# Docker's embedded DNS; the image's entrypoint rewrites resolver.conf from /etc/resolv.conf
# so the same file works in Kubernetes.
DEFAULT_CONTAINER_RESOLVER = "127.0.0.11"

LOCAL_STATIC = """\
        location /swagger/ {
            alias {swagger_root}/;
            index index.html;
            include snippets/swagger-headers.conf;
            add_header Cache-Control "no-cache" always;
        }

        # Vite's hashed bundles never change under the same name.
        location /assets/ {
            root {client_root};
            include snippets/security-headers.conf;
            add_header Cache-Control "public, max-age=31536000, immutable" always;
            try_files $uri =404;
        }

        # Client routes: any other path is the single-page app.
        location / {
            root {client_root};
            include snippets/security-headers.conf;
            add_header Cache-Control "no-cache" always;
            try_files $uri /index.html;
        }"""

PROXIED_STATIC = """\
        location /swagger/ {
            proxy_pass http://swagger;
            proxy_http_version 1.1;
            proxy_set_header Connection "";
            proxy_set_header Host $host;
            include snippets/swagger-headers.conf;
        }

        # The client container answers every path with the single-page app. Upgrades pass
        # through for the dev image's hot-reload websocket; other requests keep alive.
        location / {
            proxy_pass http://client;
            proxy_http_version 1.1;
            proxy_set_header Upgrade $http_upgrade;
            proxy_set_header Connection $connection_upgrade;
            proxy_set_header Host $host;
        }"""

PROXIED_UPSTREAMS = """
    upstream client {{
        zone client 64k;
        server {client} resolve max_fails=3 fail_timeout=10s;
        keepalive 16;
    }}

    upstream swagger {{
        zone swagger 64k;
        server {swagger} resolve max_fails=3 fail_timeout=10s;
        keepalive 4;
    }}
"""

# Behind a cluster ingress the client address arrives in X-Forwarded-For from a private hop.
KUBERNETES_REAL_IP = """\
    set_real_ip_from 10.0.0.0/8;
    set_real_ip_from 172.16.0.0/12;
    set_real_ip_from 192.168.0.0/16;
    real_ip_header X-Forwarded-For;
    real_ip_recursive on;
"""


@dataclass
class Options:
    target: str
    port: int = 8080
    users: list[str] = field(default_factory=list)
    client_root: Path | None = None
    swagger_root: Path | None = None
    prefix: Path | None = None
    hsts: bool | None = None
    worker_processes: str = "auto"
    # How long the users service may take to answer; how long a client may take to send its
    # whole header, and may pause while sending a body (Nginx times a body per read only).
    upstream_timeout: str = "30s"
    client_header_timeout: str = "10s"
    client_body_timeout: str = "5s"


TEMP_DIRS = ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")


def temp_paths(base: str, name_prefix: str = "") -> str:
    return "".join(f"    {name}_temp_path {base}/{name_prefix}{name};\n" for name in TEMP_DIRS)


def worker_user_directive(served: Path) -> str:
    """Started as root, Nginx would drop its workers to ``nobody``, who may not be allowed
    into the checkout (home folders are often private); run them as the checkout's owner."""
    if os.geteuid() != 0:
        return ""
    info = served.stat()
    return f"user {pwd.getpwuid(info.st_uid).pw_name} {grp.getgrgid(info.st_gid).gr_name};\n"


def values_for(opts: Options) -> dict[str, str]:
    hsts = opts.hsts if opts.hsts is not None else opts.target == "kubernetes"
    common = {
        "target": opts.target,
        "worker_processes": opts.worker_processes,
        "hsts": HSTS if hsts else "",
        "upstream_timeout": opts.upstream_timeout,
        "client_header_timeout": opts.client_header_timeout,
        "client_body_timeout": opts.client_body_timeout,
    }
    if opts.target == "local":
        if not (opts.client_root and opts.swagger_root and opts.prefix):
            raise ValueError("the local target needs --client-root, --swagger-root and --out")
        users = opts.users or ["127.0.0.1:5001"]
        user = worker_user_directive(opts.client_root)
        return common | {
            "main_directives": f"{user}pid {opts.prefix}/nginx.pid;\nerror_log stderr warn;",
            # A file, not the terminal: relaying every line through `make up`'s log
            # multiplexer cost a quarter of the gateway's throughput.
            "access_log": str(opts.prefix / "access.log"),
            "http_directives": temp_paths(str(opts.prefix / "tmp")),
            "listen": f"127.0.0.1:{opts.port}",
            "users_servers": "\n".join(f"        server {u} max_fails=3 fail_timeout=5s;" for u in users),
            "static_upstreams": "",
            "static_locations": LOCAL_STATIC.replace("{client_root}", str(opts.client_root)).replace(
                "{swagger_root}", str(opts.swagger_root)
            ),
        }
    http = temp_paths("/tmp", "nginx-") + "    include resolver.conf;\n"
    if opts.target == "kubernetes":
        http += KUBERNETES_REAL_IP
    users = opts.users or ["users:5000"]
    return common | {
        "main_directives": "pid /tmp/nginx.pid;\nerror_log /dev/stderr warn;",
        "access_log": "/dev/stdout",
        "http_directives": http,
        "listen": str(opts.port),
        "users_servers": "\n".join(f"        server {u} resolve max_fails=3 fail_timeout=5s;" for u in users),
        "static_upstreams": PROXIED_UPSTREAMS.format(client="client:80", swagger="swagger:8080"),
        "static_locations": PROXIED_STATIC,
    }


def substitute(text: str, values: dict[str, str], source: Path) -> str:
    def replace(match: re.Match[str]) -> str:
        name = match.group(1)
        if name not in values:
            raise KeyError(f"{source.name}: no value for {{{{{name}}}}}")
        return values[name]

    return PLACEHOLDER.sub(replace, text)


def render(opts: Options, out: Path) -> Path:
    """Write nginx.conf and its snippets into ``out``; return the path of nginx.conf."""
    if opts.target not in TARGETS:
        raise ValueError(f"unknown target {opts.target!r}; choose one of {', '.join(TARGETS)}")
    values = values_for(opts)
    out.mkdir(parents=True, exist_ok=True)
    snippets_out = out / "snippets"
    if snippets_out.exists():
        shutil.rmtree(snippets_out)
    snippets_out.mkdir()
    for snippet in sorted(SNIPPETS.glob("*.conf")):
        (snippets_out / snippet.name).write_text(substitute(snippet.read_text(), values, snippet))
    if opts.target != "local":
        resolver = f"resolver {DEFAULT_CONTAINER_RESOLVER} valid=10s ipv6=off;\n"
        (out / "resolver.conf").write_text(resolver)
    else:
        for name in TEMP_DIRS:
            (out / "tmp" / name).mkdir(parents=True, exist_ok=True)
    conf = out / "nginx.conf"
    conf.write_text(substitute(TEMPLATE.read_text(), values, TEMPLATE))
    return conf


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--target", choices=TARGETS, required=True)
    parser.add_argument("--out", type=Path, required=True, help="directory to write into")
    parser.add_argument("--port", type=int, default=8080, help="port the gateway listens on")
    parser.add_argument("--users", action="append", default=[], help="host:port of a users instance (repeat)")
    parser.add_argument("--client-root", type=Path, help="built client (local target)")
    parser.add_argument("--swagger-root", type=Path, help="built Swagger UI (local target)")
    parser.add_argument("--hsts", action=argparse.BooleanOptionalAction, default=None)
    parser.add_argument("--worker-processes", default="auto")
    args = parser.parse_args(argv)
    out = args.out.resolve()
    opts = Options(
        target=args.target,
        port=args.port,
        users=args.users,
        client_root=args.client_root.resolve() if args.client_root else None,
        swagger_root=args.swagger_root.resolve() if args.swagger_root else None,
        prefix=out,
        hsts=args.hsts,
        worker_processes=args.worker_processes,
    )
    try:
        conf = render(opts, out)
    except (ValueError, KeyError) as error:
        print(f"render.py: {error}", file=sys.stderr)
        return 2
    print(conf)
    return 0


if __name__ == "__main__":
    sys.exit(main())
