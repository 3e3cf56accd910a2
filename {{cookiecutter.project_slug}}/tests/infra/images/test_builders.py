"""Image builders (infra/images/builders.py): the commands they run, which one is chosen, and a
failing build reported with its command, exit code and output. Builders are stand-ins (``tools``).
"""

import re

import pytest

from infra.errors import LauncherError
from infra.images.builders import build_command, push_command, select_builder
from infra.images.steps import distinct_images, prepare_images
from infra.settings.schema import ImageConfig
from support.scripts import ROOT
from support.settings import LOCAL_REPO, REPO
from support.settings import settings_with as settings


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


def test_a_failing_build_names_the_command_its_exit_code_and_output(tools):
    tools.add("buildah", exit_code=3, output="STEP 4/9: RUN uv sync\nerror: resolution failed")
    with pytest.raises(LauncherError) as error:
        prepare_images(settings(builder="buildah"), {"default": f"{REPO}:v1"}, ROOT)
    message = str(error.value)
    command = r"`buildah build --layers --file \S+/Dockerfile --tag \S+:v1 .*`"
    assert re.search(f"{command} failed", message)
    assert "exit code 3" in message and "error: resolution failed" in message
    assert [call[0] for call in tools.calls] == ["build"]  # nothing pushed after a failed build
