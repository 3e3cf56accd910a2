"""A default bake: the exact file set, no template markup left, every file parses."""

import json
import tomllib
from pathlib import Path

import pytest
import yaml

from conftest import bake, leftover_markup

EXPECTED_FILES = {
    ".cookiecutter.json",
    ".dockerignore",
    ".gitignore",
    ".pre-commit-config.yaml",
    ".python-version",
    "Dockerfile",
    "Makefile",
    "README.md",
    "pyproject.toml",
    "conf/data/cubic.yaml",
    "conf/data/linear.yaml",
    "conf/extra_inputs.yaml",
    "conf/hydra/launcher/flyte.yaml",
    "conf/model/cubic.yaml",
    "conf/model/linear.yaml",
    "conf/multi_task.yaml",
    "conf/single_task.yaml",
    "hydra_plugins/demand_forecast_launcher/__init__.py",
    "hydra_plugins/demand_forecast_launcher/flyte_launcher.py",
    "infra/__init__.py",
    "infra/binding.py",
    "infra/cluster.py",
    "infra/config.py",
    "infra/connection.py",
    "infra/discovery.py",
    "infra/errors.py",
    "infra/executions.py",
    "infra/images.py",
    "infra/launch_plans.py",
    "infra/launcher.py",
    "infra/local.py",
    "infra/notifications.py",
    "infra/package.py",
    "infra/plan.py",
    "infra/registration.py",
    "infra/remote.py",
    "infra/serialization.py",
    "infra/sweep.py",
    "infra/versioning.py",
    "src/demand_forecast/__init__.py",
    "src/demand_forecast/data.py",
    "src/demand_forecast/metrics.py",
    "src/demand_forecast/model.py",
    "src/demand_forecast/workflows/__init__.py",
    "src/demand_forecast/workflows/caching.py",
    "src/demand_forecast/workflows/configs.py",
    "src/demand_forecast/workflows/extra_inputs.py",
    "src/demand_forecast/workflows/multi_task.py",
    "src/demand_forecast/workflows/single_task.py",
    "src/demand_forecast/workflows/tasks.py",
    "tests/conftest.py",
    "tests/support/__init__.py",
    "tests/support/flyteadmin.py",
    "tests/support/job_returns.py",
    "tests/support/literals.py",
    "tests/support/project.py",
    "tests/support/scripts.py",
    "tests/support/tasks.py",
    "tests/test_caching.py",
    "tests/test_config_errors.py",
    "tests/test_configs.py",
    "tests/test_discovery.py",
    "tests/test_example_execute.py",
    "tests/test_example_logic.py",
    "tests/test_example_pipeline.py",
    "tests/test_images.py",
    "tests/test_launcher_local.py",
    "tests/test_lint_config.py",
    "tests/test_package.py",
    "tests/test_remote.py",
    "tests/test_versioning.py",
    "tests/test_workflows.py",
    "tools/check_files.py",
}
# The pipeline each `ci_provider` adds to EXPECTED_FILES (the default is github).
CI_FILES = {"github": {".github/workflows/ci.yml"}, "gitlab": {".gitlab-ci.yml"}, "none": set()}


def expected_files(ci_provider: str = "github") -> set[str]:
    """The files of a bake with the default names and the given CI provider."""
    return EXPECTED_FILES | CI_FILES[ci_provider]


@pytest.fixture(scope="module")
def project(tmp_path_factory) -> Path:
    return bake(tmp_path_factory.mktemp("default"))


def files_of(project: Path) -> set[str]:
    return {str(path.relative_to(project)) for path in project.rglob("*") if path.is_file()}


def test_default_bake_has_exactly_the_expected_files(project):
    assert project.name == "demand-forecast"
    assert files_of(project) == expected_files()


def test_no_template_markup_is_left(project):
    for name in files_of(project):
        assert not leftover_markup((project / name).read_text(encoding="utf-8")), name


def test_every_file_parses(project):
    for name in files_of(project):
        path = project / name
        if path.suffix == ".toml":
            tomllib.loads(path.read_text())
        elif path.suffix in {".yaml", ".yml"}:
            yaml.safe_load(path.read_text())
        elif path.suffix == ".py":
            compile(path.read_text(), name, "exec")
        elif path.suffix == ".json":
            json.loads(path.read_text())


def test_answers_shape_the_project(project):
    pyproject = tomllib.loads((project / "pyproject.toml").read_text())["project"]
    assert pyproject["name"] == "demand-forecast"
    assert pyproject["requires-python"] == ">=3.11,<3.13"
    assert (project / ".python-version").read_text() == "3.11\n"
    launcher = yaml.safe_load((project / "conf/hydra/launcher/flyte.yaml").read_text())
    assert launcher["connection"]["endpoint"] == "localhost:30080"
    assert launcher["project"] == "demand-forecast"
    assert launcher["domain"] == "development"
    assert launcher["images"]["default"]["repository"] == "localhost:30000/demand-forecast"
    answers = json.loads((project / ".cookiecutter.json").read_text())
    assert answers["package_name"] == "demand_forecast"


def test_answers_reach_every_place_they_name(tmp_path):
    project = bake(
        tmp_path,
        project_name="Churn Model",
        python_version="3.12",
        flyte_endpoint="flyte.example.com:443",
        image_registry="ghcr.io/acme",
        flyte_domain="staging",
    )
    assert project.name == "churn-model"
    assert (project / "src/churn_model/workflows/multi_task.py").is_file()
    pyproject = tomllib.loads((project / "pyproject.toml").read_text())
    assert pyproject["project"]["requires-python"] == ">=3.12,<3.13"
    assert (project / ".python-version").read_text() == "3.12\n"
    assert pyproject["tool"]["ruff"]["target-version"] == "py312"
    launcher = yaml.safe_load((project / "conf/hydra/launcher/flyte.yaml").read_text())
    assert launcher["_target_"].startswith("hydra_plugins.churn_model_launcher.")
    assert launcher["connection"]["endpoint"] == "flyte.example.com:443"
    assert launcher["domain"] == "staging"
    assert launcher["images"]["default"]["repository"] == "ghcr.io/acme/churn-model"
