"""Registries (infra/images/registry.py): image references read with Docker's defaults, and with
``build=false`` whether the images are there: over HTTP (a registry on 127.0.0.1), with skopeo
or with ``docker manifest inspect`` (stand-ins on a private PATH).
"""

import json
import re
import threading
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from infra.errors import LauncherError
from infra.images.registry import is_local_registry, split_ref
from infra.images.steps import image_refs, prepare_images
from infra.settings.schema import ImageConfig
from support.scripts import ROOT
from support.settings import LOCAL_REPO, REPO
from support.settings import settings_with as settings


@pytest.mark.parametrize(
    ("ref", "parts", "local"),
    [
        ("python:3.11", ("docker.io", "library/python", "3.11"), False),
        ("team/app", ("docker.io", "team/app", "latest"), False),
        ("ghcr.io/org/app:v1", ("ghcr.io", "org/app", "v1"), False),
        ("localhost:30000/app:v1", ("localhost:30000", "app", "v1"), True),
        ("127.0.0.1:5000/a/b:c", ("127.0.0.1:5000", "a/b", "c"), True),
        ("localhost/app@sha256:abc", ("localhost", "app", "sha256:abc"), True),
    ],
)
def test_references_are_read_with_dockers_defaults(ref, parts, local):
    assert split_ref(ref) == parts
    assert is_local_registry(ref) is local


class Registry(BaseHTTPRequestHandler):
    """A registry's manifest endpoint; ``tags`` are the references it holds. With ``token``,
    anonymous pulls need a bearer token from /token first, as on Docker Hub or ghcr.io."""

    tags: set[str] = set()
    token: str | None = None
    realm: str | None = None  # the token service it names; by default its own /token
    authorizations: list[str | None] = []

    def do_HEAD(self):
        self.authorizations.append(self.headers.get("Authorization"))
        if self.token and self.headers.get("Authorization") != f"Bearer {self.token}":
            self.send_response(401)
            realm = self.realm or f"http://{self.headers['Host']}/token"
            self.send_header("WWW-Authenticate", f'Bearer realm="{realm}",service="test"')
        else:
            found = re.fullmatch(r"/v2/(.+)/manifests/(.+)", self.path)
            ok = found is not None and f"{found[1]}:{found[2]}" in self.tags
            self.send_response(200 if ok else 404)
        self.end_headers()

    def do_GET(self):
        body = json.dumps({"token": self.token}).encode()
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@contextmanager
def registry(tags, token=None, realm=None):
    attributes = {"tags": set(tags), "token": token, "realm": realm, "authorizations": []}
    handler = type("Handler", (Registry,), attributes)
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        yield f"127.0.0.1:{server.server_port}", handler
    finally:
        server.shutdown()
        server.server_close()


@pytest.mark.parametrize("token", [None, "t0k3n"])
def test_build_false_checks_the_registry_over_http(tools, caplog, token):
    with registry({"team/app:v1"}, token) as (host, _):
        present = settings(build=False, images={"default": ImageConfig(f"{host}/team/app")})
        caplog.set_level("INFO")
        prepare_images(present, image_refs(present, "v1"), ROOT)
        assert f"{host}/team/app:v1 is in its registry (HEAD http://{host}" in caplog.text
        with pytest.raises(LauncherError, match=f"not in their registry: {host}/team/app:v2"):
            prepare_images(present, image_refs(present, "v2"), ROOT)
    assert tools.calls == []  # no builder involved


def test_build_false_says_so_when_it_cannot_check(tools, caplog):
    with registry(set()) as (host, _):
        pass  # stopped: nothing answers there any more
    gone = settings(build=False, images={"default": ImageConfig(f"{host}/app")})
    prepare_images(gone, image_refs(gone, "v1"), ROOT)
    assert f"could not check that {host}/app:v1: the registry at http://{host}" in caplog.text


@pytest.mark.parametrize(
    "realm", ["file://{token_file}", "http://registry.example.com/token", "ftp://127.0.0.1/token"]
)
def test_only_an_https_or_local_http_token_realm_is_followed(tools, tmp_path, realm):
    token_file = tmp_path / "token.json"
    token_file.write_text('{"token": "read-from-a-local-file"}')
    realm = realm.format(token_file=token_file)
    with registry({"team/app:v1"}, "t0k3n", realm) as (host, handler):
        present = settings(build=False, images={"default": ImageConfig(f"{host}/team/app")})
        with pytest.raises(LauncherError, match=f"token service '{re.escape(realm)}' is refused"):
            prepare_images(present, image_refs(present, "v1"), ROOT)
    assert handler.authorizations == [None]  # asked once, anonymously, and never with a token


def test_build_false_prefers_skopeo_which_knows_the_users_login(tools):
    tools.add("skopeo", exit_code=1, output="Error: reading manifest v9: manifest unknown")
    tools.add("docker")
    with pytest.raises(LauncherError, match="manifest unknown"):
        prepare_images(settings(build=False), {"default": f"{REPO}:v9"}, ROOT)
    assert tools.calls == [["inspect", "--raw", f"docker://{REPO}:v9"]]


def test_build_false_uses_docker_manifest_inspect_without_skopeo(tools):
    tools.add("docker")
    prepare_images(settings(build=False), {"default": f"{LOCAL_REPO}:v1"}, ROOT)
    assert tools.calls == [["manifest", "inspect", "--insecure", f"{LOCAL_REPO}:v1"]]
