"""Build secrets (``hydra.launcher.images.<name>.secrets``, infra/images/builders.py): passed to the
builder as ``--secret id=<id>,env=<variable>``, so the value stays in the environment: never on the
command line, in the launch's output or in the config Hydra saves; a real buildah build reads it in
a ``RUN --mount=type=secret`` step."""

import pytest

from infra.errors import LauncherError
from infra.images.builders import build_command
from infra.settings.schema import ImageConfig
from support.buildah import build_to_folder, buildah_env, shell_root
from support.fixture_project import WORKFLOW_NAMES, run_fixture
from support.flyteadmin import serving
from support.scripts import ROOT
from support.settings import REPO

VARIABLE = "HFT_TEST_BUILD_TOKEN"
VALUE = "tok-3f9a1c-do-not-print"


@pytest.mark.parametrize("builder", ["docker", "podman", "buildah"])
def test_a_secret_is_passed_by_the_name_of_its_variable(builder, monkeypatch):
    monkeypatch.setenv(VARIABLE, VALUE)
    config = ImageConfig(repository=REPO, secrets={"token": VARIABLE})
    command = build_command(builder, f"{REPO}:v1", config, ROOT)
    assert command[command.index("--secret") + 1] == f"id=token,env={VARIABLE}"
    assert VALUE not in " ".join(command)


@pytest.mark.parametrize(
    ("secret", "variable", "problem"),
    [
        ("token", "HFT_UNSET_VARIABLE", "HFT_UNSET_VARIABLE, which is not set"),
        ("token", "A,src=/etc/shadow", "is not an environment variable name"),
        ("to ken", VARIABLE, "must be letters, digits"),
    ],
)
def test_a_bad_or_unset_secret_is_refused(secret, variable, problem, monkeypatch):
    monkeypatch.setenv(VARIABLE, VALUE)
    config = ImageConfig(repository=REPO, secrets={secret: variable})
    with pytest.raises(LauncherError, match=f"image {REPO}:v1: build secret .*{problem}"):
        build_command("buildah", f"{REPO}:v1", config, ROOT)


@pytest.mark.slow
def test_a_launch_never_shows_or_saves_the_value(tools, tmp_path, monkeypatch):
    tools.add("buildah")
    monkeypatch.setenv(VARIABLE, VALUE)
    sweep = tmp_path / "sweep"
    with serving() as admin:
        output = run_fixture(
            WORKFLOW_NAMES[0],
            "-m",
            f"hydra.launcher.connection.endpoint={admin.endpoint}",
            "hydra.launcher.builder=buildah",
            "hydra.launcher.push=false",
            "hydra.launcher.run=false",
            "hydra.launcher.version=secrets-1",
            f"+hydra.launcher.images.default.secrets.token={VARIABLE}",
            f"hydra.sweep.dir={sweep}",
            cwd=tmp_path,
        )
    (build,) = [call for call in tools.calls if call[0] == "build"]
    assert f"id=token,env={VARIABLE}" in build
    saved = [path for path in sweep.rglob("*") if path.is_file()]
    assert any(path.name == "hydra.yaml" for path in saved)
    assert VALUE not in output + str(tools.calls)
    assert not [path for path in saved if VALUE in path.read_text()]


def test_buildah_gives_the_secret_to_a_run_step(tmp_path, monkeypatch):
    env = buildah_env(tmp_path / "store")
    context = shell_root(tmp_path / "context")
    (context / "Dockerfile").write_text(
        "FROM scratch\nCOPY . /\n"
        'RUN --mount=type=secret,id=token read value < /run/secrets/token; echo "$value" > /seen\n'
    )
    monkeypatch.setenv(VARIABLE, VALUE)
    config = ImageConfig(repository="localhost/secret-test", secrets={"token": VARIABLE})
    command = build_command("buildah", "localhost/secret-test:v1", config, context)
    out = tmp_path / "out"
    result = build_to_folder({**env, VARIABLE: VALUE}, command, out)
    assert (out / "seen").read_text() == f"{VALUE}\n"
    assert VALUE not in result.stdout + result.stderr + " ".join(command)
