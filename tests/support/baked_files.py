"""What a bake must hold, and reading a baked tree: the expected file set, leftover template
markup, parsing every file.

Shared by the tests that bake (a default bake, every combination of options, free-text answers,
fuzzed answers, cruft): each checks the same properties, in one way.
"""

from __future__ import annotations

import json
import re
import tomllib
from pathlib import Path

import yaml

# The files of a default bake (ci_provider github adds its pipeline: see CI_FILES).
EXPECTED_FILES = {
    ".cookiecutter.json",
    ".dockerignore",
    ".gitignore",
    ".pre-commit-config.yaml",
    ".python-version",
    "Dockerfile",
    "LICENSE",
    "Makefile",
    "README.md",
    "pyproject.toml",
    "conf/data/cubic.yaml",
    "conf/data/linear.yaml",
    "conf/debug/default.yaml",
    "conf/experiment/cubic_few_samples.yaml",
    "conf/experiment/linear_baseline.yaml",
    "conf/extra_inputs.yaml",
    "conf/hparams_search/polynomial_optuna.yaml",
    "conf/hydra/launcher/flyte.yaml",
    "conf/hydra/sweeper/optuna.yaml",
    "conf/hydra/sweeper/sampler/cmaes.yaml",
    "conf/hydra/sweeper/sampler/gp.yaml",
    "conf/hydra/sweeper/sampler/grid.yaml",
    "conf/hydra/sweeper/sampler/nsgaii.yaml",
    "conf/hydra/sweeper/sampler/qmc.yaml",
    "conf/hydra/sweeper/sampler/random.yaml",
    "conf/hydra/sweeper/sampler/tpe.yaml",
    "conf/model/cubic.yaml",
    "conf/model/linear.yaml",
    "conf/multi_task.yaml",
    "conf/shared/defaults.yaml",
    "conf/single_task.yaml",
    "hydra_plugins/demand_forecast_launcher/__init__.py",
    "hydra_plugins/demand_forecast_launcher/flyte_launcher.py",
    "hydra_plugins/demand_forecast_launcher/optuna_sweeper.py",
    "infra/__init__.py",
    "infra/flyteadmin/__init__.py",
    "infra/images/__init__.py",
    "infra/modes/__init__.py",
    "infra/settings/__init__.py",
    "infra/sweeps/__init__.py",
    "infra/workflow/__init__.py",
    "infra/flyteadmin/calls.py",
    "infra/workflow/binding.py",
    "infra/workflow/build_hook.py",
    "infra/images/builders.py",
    "infra/settings/checks.py",
    "infra/sweeps/compositions.py",
    "infra/settings/schema.py",
    "infra/flyteadmin/connection.py",
    "infra/workflow/discovery.py",
    "infra/workflow/env_values.py",
    "infra/errors.py",
    "infra/modes/execute.py",
    "infra/flyteadmin/executions.py",
    "infra/workflow/finite.py",
    "infra/settings/hosts.py",
    "infra/images/command.py",
    "infra/images/steps.py",
    "infra/sweeps/job_files.py",
    "infra/modes/launch.py",
    "infra/flyteadmin/launch_plans.py",
    "infra/launcher.py",
    "infra/modes/local.py",
    "infra/sweeps/metric.py",
    "infra/flyteadmin/notifications.py",
    "infra/modes/package.py",
    "infra/flyteadmin/registration.py",
    "infra/images/registry.py",
    "infra/modes/remote.py",
    "infra/settings/resources.py",
    "infra/settings/rules.py",
    "infra/sweeps/search.py",
    "infra/sweeps/search_chart.py",
    "infra/sweeps/search_results.py",
    "infra/sweeps/search_settings.py",
    "infra/sweeps/search_space.py",
    "infra/flyteadmin/serialization.py",
    "infra/settings/load.py",
    "infra/workflow/secret_files.py",
    "infra/workflow/shipping.py",
    "infra/sweeps/summary.py",
    "infra/sweeps/jobs.py",
    "infra/sweeps/chart.py",
    "infra/sweeps/task_report.py",
    "infra/settings/tasks.py",
    "infra/flyteadmin/upload.py",
    "infra/settings/versioning.py",
    "src/demand_forecast/__init__.py",
    "src/demand_forecast/data.py",
    "src/demand_forecast/metrics.py",
    "src/demand_forecast/model.py",
    "src/demand_forecast/plots.py",
    "src/demand_forecast/workflows/__init__.py",
    "src/demand_forecast/workflows/caching.py",
    "src/demand_forecast/workflows/code_names.py",
    "src/demand_forecast/workflows/code_reach.py",
    "src/demand_forecast/workflows/code_values.py",
    "src/demand_forecast/workflows/config_types.py",
    "src/demand_forecast/workflows/configs.py",
    "src/demand_forecast/workflows/extra_inputs.py",
    "src/demand_forecast/workflows/multi_task.py",
    "src/demand_forecast/workflows/reports.py",
    "src/demand_forecast/workflows/single_task.py",
    "src/demand_forecast/workflows/tasks.py",
    "tests/conftest.py",
    "tests/infra/workflow/test_finite_inputs.py",
    "tests/infra/sweeps/test_job_files.py",
    "tests/infra/sweeps/test_optuna_search.py",
    "tests/infra/sweeps/test_search_space.py",
    "tests/infra/sweeps/test_sweep_summary_files.py",
    "tests/support/__init__.py",
    "tests/support/admin_rules.py",
    "tests/support/buildah.py",
    "tests/support/compositions.py",
    "tests/support/flyte_types.py",
    "tests/support/flyteadmin.py",
    "tests/support/job_returns.py",
    "tests/support/literals.py",
    "tests/support/packages.py",
    "tests/support/planted.py",
    "tests/support/ports.py",
    "tests/support/project.py",
    "tests/support/search_project.py",
    "tests/support/scripts.py",
    "tests/support/settings.py",
    "tests/support/tasks.py",
    "tests/support/tools.py",
    "tests/infra/conftest.py",
    "tests/infra/fixture_project/Dockerfile",
    "tests/infra/fixture_project/conf/branching.yaml",
    "tests/infra/fixture_project/conf/cached.yaml",
    "tests/infra/fixture_project/conf/dynamic.yaml",
    "tests/infra/fixture_project/conf/files.yaml",
    "tests/infra/fixture_project/conf/hparams_search/scale_optuna.yaml",
    "tests/infra/fixture_project/conf/hydra/launcher/flyte.yaml",
    "tests/infra/fixture_project/conf/hydra/sweeper/optuna.yaml",
    "tests/infra/fixture_project/conf/hydra/sweeper/sampler/cmaes.yaml",
    "tests/infra/fixture_project/conf/hydra/sweeper/sampler/gp.yaml",
    "tests/infra/fixture_project/conf/hydra/sweeper/sampler/grid.yaml",
    "tests/infra/fixture_project/conf/hydra/sweeper/sampler/nsgaii.yaml",
    "tests/infra/fixture_project/conf/hydra/sweeper/sampler/qmc.yaml",
    "tests/infra/fixture_project/conf/hydra/sweeper/sampler/random.yaml",
    "tests/infra/fixture_project/conf/hydra/sweeper/sampler/tpe.yaml",
    "tests/infra/fixture_project/conf/mapped.yaml",
    "tests/infra/fixture_project/conf/shared/defaults.yaml",
    "tests/infra/fixture_project/conf/size/large.yaml",
    "tests/infra/fixture_project/conf/size/small.yaml",
    "tests/infra/fixture_project/pyproject.toml",
    "tests/infra/fixture_project/src/fixture_flows/__init__.py",
    "tests/infra/fixture_project/src/fixture_flows/workflows/__init__.py",
    "tests/infra/fixture_project/src/fixture_flows/workflows/branching.py",
    "tests/infra/fixture_project/src/fixture_flows/workflows/cached.py",
    "tests/infra/fixture_project/src/fixture_flows/workflows/configs.py",
    "tests/infra/fixture_project/src/fixture_flows/workflows/dynamic.py",
    "tests/infra/fixture_project/src/fixture_flows/workflows/files.py",
    "tests/infra/fixture_project/src/fixture_flows/workflows/mapped.py",
    "tests/infra/modes/test_constructs.py",
    "tests/support/fixture_project.py",
    "tests/infra/images/test_build_secrets.py",
    "tests/infra/images/test_builders.py",
    "tests/test_caching.py",
    "tests/test_config_errors.py",
    "tests/test_configs.py",
    "tests/infra/flyteadmin/test_connection.py",
    "tests/infra/workflow/test_discovery.py",
    "tests/test_dockerfile.py",
    "tests/infra/workflow/test_env_values.py",
    "tests/test_example_execute.py",
    "tests/test_example_logic.py",
    "tests/test_example_pipeline.py",
    "tests/test_example_plots.py",
    "tests/test_experiments.py",
    "tests/infra/flyteadmin/test_faults.py",
    "tests/test_flyte_cli.py",
    "tests/infra/flyteadmin/test_flyteadmin_standin.py",
    "tests/infra/images/test_image_command.py",
    "tests/infra/images/test_images.py",
    "tests/infra/flyteadmin/test_launch_plans.py",
    "tests/infra/modes/test_launcher_local.py",
    "tests/test_lint_config.py",
    "tests/infra/flyteadmin/test_notifications.py",
    "tests/infra/settings/test_offline_checks.py",
    "tests/infra/modes/test_package.py",
    "tests/infra/images/test_registry.py",
    "tests/infra/modes/test_remote.py",
    "tests/test_reports.py",
    "tests/test_scripts.py",
    "tests/infra/sweeps/test_search.py",
    "tests/infra/workflow/test_shipping.py",
    "tests/infra/test_structure.py",
    "tests/infra/sweeps/test_sweep_chart.py",
    "tests/infra/sweeps/test_sweep_results.py",
    "tests/infra/settings/test_task_settings.py",
    "tests/infra/settings/test_versioning.py",
    "tests/test_workflows.py",
    "tools/check_files.py",
}
# The files of each `example` (the default is polynomial): what a bake with another example has
# instead. The polynomial example's tests are its test_example_*.py.
EXAMPLE_FILES = {
    "polynomial": {
        "conf/data/cubic.yaml",
        "conf/data/linear.yaml",
        "conf/debug/default.yaml",
        "conf/experiment/cubic_few_samples.yaml",
        "conf/experiment/linear_baseline.yaml",
        "conf/extra_inputs.yaml",
        "conf/hparams_search/polynomial_optuna.yaml",
        "conf/model/cubic.yaml",
        "conf/model/linear.yaml",
        "conf/multi_task.yaml",
        "conf/single_task.yaml",
        "src/demand_forecast/data.py",
        "src/demand_forecast/metrics.py",
        "src/demand_forecast/model.py",
        "src/demand_forecast/plots.py",
        "src/demand_forecast/workflows/extra_inputs.py",
        "src/demand_forecast/workflows/multi_task.py",
        "src/demand_forecast/workflows/reports.py",
        "src/demand_forecast/workflows/single_task.py",
        "src/demand_forecast/workflows/tasks.py",
        *(name for name in EXPECTED_FILES if name.startswith("tests/test_example_")),
    },
    "none": {
        "conf/pipeline.yaml",
        "conf/step/large.yaml",
        "conf/step/small.yaml",
        "src/demand_forecast/step.py",
        "src/demand_forecast/workflows/pipeline.py",
    },
}
# The files each `ci_provider` adds to EXPECTED_FILES (the default is github): its pipeline
# (PIPELINE_FILE) and, on GitHub, Dependabot's configuration.
CI_FILES = {
    "github": {".github/workflows/ci.yml", ".github/dependabot.yml"},
    "gitlab": {".gitlab-ci.yml"},
    "none": set(),
}
PIPELINE_FILE = {"github": ".github/workflows/ci.yml", "gitlab": ".gitlab-ci.yml"}
# Jinja left in a baked file: `{{`, `{%` or `{#` (GitHub Actions' `${{ }}` and the shell's `${#x}`
# are fine), or a `cookiecutter.` variable (the `.cookiecutter.json` file name is fine).
TEMPLATE_MARKUP = re.compile(r"(?<!\$)\{[{#]|\{%|\bcookiecutter\.(?!json\b)")
PARSED_SUFFIXES = {".toml", ".yaml", ".yml", ".json", ".py"}


def expected_files(ci_provider: str = "github", example: str = "polynomial") -> set[str]:
    """The files of a bake with the default names and the given CI provider and example."""
    files = EXPECTED_FILES - EXAMPLE_FILES["polynomial"] | EXAMPLE_FILES[example]
    return files | CI_FILES[ci_provider]


def files_of(project: Path) -> set[str]:
    """Every file of a baked project, relative to it."""
    return {str(path.relative_to(project)) for path in project.rglob("*") if path.is_file()}


def leftover_markup(text: str) -> list[str]:
    """The template markup left in a baked file's text, if any."""
    return TEMPLATE_MARKUP.findall(text)


def parse_file(path: Path) -> None:
    """Parse a TOML, YAML (one document, as Hydra and CI read them), JSON or Python file; raise
    if it does not parse."""
    text = path.read_text("utf-8")
    if path.suffix == ".toml":
        tomllib.loads(text)
    elif path.suffix in {".yaml", ".yml"}:
        yaml.safe_load(text)
    elif path.suffix == ".json":
        json.loads(text)
    elif path.suffix == ".py":
        compile(text, str(path), "exec")


def parse_every_file(project: Path) -> None:
    """Parse every TOML, YAML, JSON and Python file of a baked project."""
    for name in sorted(files_of(project)):
        if Path(name).suffix in PARSED_SUFFIXES:
            parse_file(project / name)
