"""The gateway (deploy/local/gateway.sh, nginx): one origin for the console, the APIs and Keycloak."""

import json
import os
import socket
import subprocess
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import httpx
import pytest

pytestmark = pytest.mark.integration

GATEWAY_SH = Path(__file__).resolve().parents[2] / "deploy" / "local" / "gateway.sh"


class _Echo(BaseHTTPRequestHandler):
    """A stand-in service: answers with the path and headers it was asked with."""

    def do_GET(self):
        body = json.dumps({"path": self.path, "headers": dict(self.headers)}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *_args):
        pass


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def gateway(tmp_path, keycloak):
    dist = tmp_path / "dist"
    (dist / "assets").mkdir(parents=True)
    (dist / "index.html").write_text('<!doctype html><script type="module" src="/assets/app.js"></script>')
    (dist / "assets" / "app.js").write_text("console.log('console')")
    services = [ThreadingHTTPServer(("127.0.0.1", 0), _Echo) for _ in range(4)]
    for server in services:
        threading.Thread(target=server.serve_forever, daemon=True).start()
    port = _free_port()
    env = {
        **os.environ,
        "UNIONFED_STATE_DIR": str(tmp_path / "state"),
        "UNIONFED_GATEWAY_PORT": str(port),
        "UNIONFED_KEYCLOAK_PORT": keycloak.url.split(":")[2].split("/")[0],
        "UNIONFED_CONSOLE_DIST": str(dist),
        **{
            f"UNIONFED_GATEWAY_{name}": f"127.0.0.1:{server.server_port}"
            for name, server in zip(("MEMBERSHIP", "WELFARE", "EVENTS", "FINANCE"), services)
        },
    }
    subprocess.run(["bash", str(GATEWAY_SH), "up"], env=env, check=True, timeout=300, stdin=subprocess.DEVNULL)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        subprocess.run(["bash", str(GATEWAY_SH), "down"], env=env, check=False, timeout=60)
        for server in services:
            server.shutdown()


def test_the_console_is_served_with_a_strict_policy_and_unknown_paths_fall_back_to_it(gateway):
    page = httpx.get(f"{gateway}/finance/entries/42")
    assert page.status_code == 200 and "/assets/app.js" in page.text
    policy = page.headers["content-security-policy"]
    assert "script-src 'self';" in policy and "'unsafe-inline'" not in policy.split("script-src")[1].split(";")[0]
    assert "connect-src 'self'" in policy and "frame-ancestors 'none'" in policy
    assert page.headers["x-content-type-options"] == "nosniff"
    assert page.headers["referrer-policy"] == "no-referrer"
    script = httpx.get(f"{gateway}/assets/app.js")
    assert script.status_code == 200 and "immutable" in script.headers["cache-control"]
    assert httpx.get(f"{gateway}/assets/missing.js").status_code == 404


@pytest.mark.parametrize("service", ["membership", "welfare", "events", "finance"])
def test_each_api_is_routed_with_its_prefix_stripped(gateway, service):
    answer = httpx.get(f"{gateway}/api/{service}/v1/organizations/x?limit=2", headers={"Host": "localhost:8080"})
    assert answer.status_code == 200
    seen = answer.json()
    assert seen["path"] == "/v1/organizations/x?limit=2"
    assert seen["headers"]["X-Forwarded-Host"] == "localhost:8080"
    assert answer.headers["x-content-type-options"] == "nosniff"


def test_keycloak_is_reached_under_auth_and_names_the_gateway_origin(gateway, keycloak):
    discovery = httpx.get(f"{gateway}/auth/realms/unionfed/.well-known/openid-configuration")
    assert discovery.status_code == 200
    # Its backchannel endpoints follow the origin the browser used: no cross-origin token call.
    assert discovery.json()["token_endpoint"].startswith(f"{gateway}/auth/realms/unionfed/")
    assert httpx.get(f"{gateway}/auth").status_code == 301


def test_the_public_disclosure_check_needs_no_sign_in_keeps_its_query_and_is_rate_limited(gateway):
    url = f"{gateway}/api/finance/v1/public/disclosure-check?o=school&from=2026-09-01&seq=3"
    answer = httpx.get(url)
    assert answer.status_code == 200
    assert answer.json()["path"] == "/v1/public/disclosure-check?o=school&from=2026-09-01&seq=3"
    # A page for a phone: its own inline style, nothing else.
    assert answer.headers["content-security-policy"] == (
        "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'"
    )
    statuses = [httpx.get(url).status_code for _ in range(15)]
    assert 429 in statuses and set(statuses) <= {200, 429}


def test_an_outside_respondents_evaluation_form_needs_no_sign_in_and_is_rate_limited(gateway):
    url = f"{gateway}/api/events/v1/public/evaluation-form?code=ABCD2345"
    answer = httpx.get(url)
    assert answer.status_code == 200
    assert answer.json()["path"] == "/v1/public/evaluation-form?code=ABCD2345"
    assert answer.headers["content-security-policy"] == "default-src 'none'; frame-ancestors 'none'"
    statuses = [httpx.get(url).status_code for _ in range(15)]
    assert 429 in statuses and set(statuses) <= {200, 429}


@pytest.mark.parametrize("service", ["membership", "welfare", "events", "finance"])
@pytest.mark.parametrize("path", ["metrics", "metrics/", "metrics?name[]=x", "/metrics", "%6Detrics", "v1/../metrics"])
def test_a_services_metrics_are_not_served_through_the_gateway(gateway, service, path):
    """Prometheus scrapes each service's own port; the gateway never forwards /metrics, however spelled."""
    answer = httpx.get(httpx.URL(f"{gateway}/api/{service}/{path}"))
    assert answer.status_code == 404
    assert "path" not in answer.text  # the stand-in service (which answers everything) was not asked
