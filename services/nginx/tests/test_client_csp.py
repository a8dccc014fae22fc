"""The gateway's Content-Security-Policy allows the client's inline script and style by hash.

The client's build writes the theme script and the critical CSS into index.html
(services/client/scripts/critical-css.ts), and the policy allows no inline code but these.
When the build changes them, this test names the hashes to put into
snippets/security-headers.conf.
"""

from __future__ import annotations

import base64
import hashlib
import re
import shutil
from pathlib import Path

import httpx

from .harness import Gateway

BUILT_INDEX = Path(__file__).resolve().parents[2] / "client" / "dist" / "index.html"
INLINE = re.compile(r"<(script|style)>(.*?)</\1>", re.DOTALL)


def csp_hash(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode()).digest()).decode() + "'"


def directives(policy: str) -> dict[str, list[str]]:
    parsed = (directive.split() for directive in policy.split(";") if directive.strip())
    return {name: sources for name, *sources in parsed}


def inline_hashes(html: str) -> dict[str, list[str]]:
    hashes: dict[str, list[str]] = {"script-src": [], "style-src": []}
    for tag, text in INLINE.findall(html):
        hashes[f"{tag}-src"].append(csp_hash(text))
    return hashes


def test_the_built_index_html_runs_under_the_gateways_policy(tmp_path: Path, gateway: Gateway) -> None:
    assert BUILT_INDEX.exists(), f"{BUILT_INDEX} is missing: build the client first (make install)"
    # The gateway serves the client from the folder the harness made; give it the real page.
    shutil.copy(BUILT_INDEX, tmp_path / "client" / "index.html")

    response = httpx.get(gateway.url + "/")
    policy = directives(response.headers["content-security-policy"])
    wanted = inline_hashes(response.text)

    assert wanted["script-src"], "index.html has lost its inline theme script"
    assert wanted["style-src"], "index.html has lost its inline critical CSS"
    for directive, hashes in wanted.items():
        missing = [value for value in hashes if value not in policy[directive]]
        where = f"{directive} in services/nginx/snippets/security-headers.conf"
        assert not missing, f"add {' '.join(missing)} to {where}"
        assert "'unsafe-inline'" not in policy[directive]


def test_inline_code_the_policy_does_not_name_is_not_allowed(gateway: Gateway) -> None:
    policy = directives(httpx.get(gateway.url + "/").headers["content-security-policy"])
    injected = csp_hash("alert(document.cookie)")
    assert injected not in policy["script-src"]
    # Only hashes and this origin: no wildcard, nonce or keyword that would let other code in.
    for directive in ("script-src", "style-src"):
        assert all(value == "'self'" or value.startswith("'sha256-") for value in policy[directive])
