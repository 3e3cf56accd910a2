"""``make image`` / ``make push`` (infra/images/command.py): what a launch would build, from the
workflow's primary config. Builders are stand-ins (``tools``).
"""

from infra.images import command as image_command
from support.fixture_project import WORKFLOW_MODULES, WORKFLOW_NAMES, compose_config

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
