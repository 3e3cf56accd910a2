"""The image step (infra/images/steps.py): image references, one build per distinct image, the
order of builds and pushes, and the checks made before anything runs.

Builders are stand-ins here (scripts on a private PATH, ``tools``), so every path runs in
milliseconds; the template's own tests build a real image.
"""

import pytest

from infra.errors import LauncherError
from infra.images import builders
from infra.images.steps import distinct_images, image_refs, image_steps, prepare_images
from infra.settings.schema import ImageConfig
from support.scripts import ROOT
from support.settings import REPO
from support.settings import settings_with as settings


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


def test_a_missing_builder_fails_before_any_network_call(tools, monkeypatch):
    def no_network(*args, **kwargs):
        raise AssertionError("network call before the builder was checked")

    monkeypatch.setattr("infra.images.registry.urllib.request.urlopen", no_network)
    monkeypatch.setattr(builders.subprocess, "Popen", no_network)
    with pytest.raises(LauncherError, match="cannot build images here"):
        prepare_images(settings(), image_refs(settings(), "v1"), ROOT)
