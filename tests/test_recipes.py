"""Slow: the generated README's recipes, performed on a fresh bake exactly as written, then the
project's own `make lint` and tests (the launcher's run on their own fixture project, see
test_launcher_fixtures.py), every workflow, a sweep and package mode.

Each edit below is checked to be the README's own text first, so the recipes and this test cannot
drift apart. Nothing under `infra/` or `tests/` of the project is touched.
"""

import json
import os
import re
import subprocess
import tarfile
from pathlib import Path

import pytest
from pytest_cookies.plugin import Cookies

from support.baking import baked
from support.targets import make

pytestmark = pytest.mark.slow

PACKAGE = "demand_forecast"


def executed(output: str) -> set[str]:
    """The example's tasks that executed in a run: each logs ``<task>: ...`` when it runs."""
    return set(re.findall(r"\] - (prepare_data|train|evaluate|report|fit_and_score): ", output))


class Readme:
    """The baked README's code blocks, to check that an edit is the README's own text."""

    def __init__(self, project: Path) -> None:
        text = (project / "README.md").read_text()
        self.text = text[text.index("## Change it: recipes") :]
        self.blocks = [
            "\n".join(line.removeprefix("   ") for line in block.split("\n"))
            for block in re.findall(r"```[a-z]*\n(.*?)```", self.text, re.DOTALL)
        ]

    def block(self, *starts: str) -> str:
        """The one code block whose text starts with (or, for a file, names) ``starts``."""
        (found,) = [b for b in self.blocks if all(part in b for part in starts)]
        return found

    def says(self, text: str) -> str:
        assert text in self.text, f"the README no longer says {text!r}"
        return text


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert text.count(old) == 1, f"{path.name}: {old!r}"
    path.write_text(text.replace(old, new))


def without_comment_line(block: str) -> str:
    """A YAML block minus its first line, the ``# conf/...`` comment naming the file."""
    return block.split("\n", 1)[1]


@pytest.fixture(scope="module")
def changed(
    tmp_path_factory: pytest.TempPathFactory, cookies_session: Cookies
) -> tuple[Path, Path, dict[str, str]]:
    """A project baked, installed, run once, then changed by every recipe of its README;
    returns (project, HOME, outputs of the make runs by name)."""
    root = tmp_path_factory.mktemp("recipes")
    home = root / "home"
    home.mkdir()
    project = baked(cookies_session.bake())
    make(project, "install", home=home)
    outputs = {"first run": make(project, "run", home=home)}
    readme = Readme(project)
    src = project / "src" / PACKAGE
    workflows = src / "workflows"

    # Add a config option
    option = readme.block("# conf/model/quadratic.yaml")
    (project / "conf/model/quadratic.yaml").write_text(without_comment_line(option))
    outputs["option"] = make(project, "run", home=home, OVERRIDES="model=quadratic")

    # Add a task
    (src / "report.py").write_text(readme.block('"""A one-line summary'))
    tasks = workflows / "tasks.py"
    readme.says(f"from {PACKAGE}.report import summary")
    edit(  # where ruff's isort puts it
        tasks,
        f"from {PACKAGE}.plots import fit_report\n",
        f"from {PACKAGE}.plots import fit_report\nfrom {PACKAGE}.report import summary\n",
    )
    tasks.write_text(tasks.read_text() + "\n\n" + readme.block("def report(cfg"))
    configs = workflows / "configs.py"
    readme.says(f"from\n   {PACKAGE}.report import ReportConfig")
    edit(
        configs,
        f"from {PACKAGE}.model import ModelConfig\n",
        f"from {PACKAGE}.model import ModelConfig\nfrom {PACKAGE}.report import ReportConfig\n",
    )
    readme.says("       report: ReportConfig")
    schema = 'class MultiTaskConfig:\n    """``conf/multi_task.yaml``"""\n\n'
    edit(configs, schema, schema + "    report: ReportConfig\n")
    values = readme.block("report:\n  decimals: 3")
    primary = project / "conf/multi_task.yaml"
    primary.write_text(primary.read_text() + "\n" + values)
    multi = workflows / "multi_task.py"
    readme.says("(import `report` from the tasks)")
    edit(multi, "    prepare_data,\n    train,\n", "    prepare_data,\n    report,\n    train,\n")
    readme.says("       report: DictConfig")
    edit(multi, "    evaluate: DictConfig\n", "    evaluate: DictConfig\n    report: DictConfig\n")
    readme.says("return Parts(..., report=cfg.report)")
    edit(multi, "evaluate=cfg.evaluate)", "evaluate=cfg.evaluate, report=cfg.report)")
    call = readme.block("evaluation = evaluate(cfg=parts.evaluate").split("\n")[-4:-1]
    edit(
        multi,
        "    return evaluate(cfg=parts.evaluate, coefficients=coefficients, data=data)\n",
        "\n".join(f"    {line.strip()}" for line in call) + "\n",
    )
    outputs["task"] = make(project, "run", home=home)
    outputs["task again"] = make(project, "run", home=home)

    # Add a config group
    for name in ("brief", "precise"):
        block = readme.block(f"# conf/report/{name}.yaml")
        (project / "conf/report").mkdir(exist_ok=True)
        (project / f"conf/report/{name}.yaml").write_text(without_comment_line(block))
    readme.says("(`- report: brief` after\n`- shared: defaults`)")
    edit(primary, "  - shared: defaults", "  - report: brief\n  - shared: defaults")
    edit(primary, "\n" + values, "")
    outputs["group"] = make(project, "run", home=home, OVERRIDES="report=precise")

    # Add a workflow
    readme.block(f"cp src/{PACKAGE}/workflows/single_task.py src/{PACKAGE}/workflows/baseline.py")
    baseline = workflows / "baseline.py"
    baseline.write_text((workflows / "single_task.py").read_text())
    decorator = readme.block('@hydra.main(config_path="../../../conf", config_name="baseline"')
    edit(baseline, decorator.replace('"baseline"', '"single_task"'), decorator)
    readme.says('       "baseline": SingleTaskConfig,')
    edit(
        configs,
        '    "extra_inputs": ExtraInputsConfig,\n',
        '    "extra_inputs": ExtraInputsConfig,\n    "baseline": SingleTaskConfig,\n',
    )
    (project / "conf/baseline.yaml").write_text(readme.block("  - baseline_schema"))
    for command in readme.block(".venv/bin/python src/").splitlines():
        if command.startswith(".venv/bin/python"):
            program, *arguments = command.split()
            result = subprocess.run(
                [str(project / program), *arguments],
                cwd=project,
                capture_output=True,
                text=True,
                env={**os.environ, "HOME": str(home)},
                timeout=300,
            )
            assert result.returncode == 0, result.stdout + result.stderr
            outputs[command] = result.stdout + result.stderr
    outputs["package baseline"] = make(project, "package", home=home, WORKFLOW="baseline")
    return project, home, outputs


def test_a_value_of_the_wrong_type_fails_as_the_readme_shows(changed):
    project, home, _ = changed
    command = 'make run OVERRIDES="model.degree=abc"'
    assert command in (project / "README.md").read_text()
    output = make(project, "run", home=home, succeed=False, OVERRIDES="model.degree=abc")
    assert "Error merging override model.degree=abc" in output
    assert "full_key: model.degree" in output
    assert not executed(output)


def test_a_new_option_runs(changed):
    _, _, outputs = changed
    assert executed(outputs["option"]) == {"train", "evaluate"}  # data is the cached default


def test_a_new_task_runs_and_is_cached(changed):
    _, _, outputs = changed
    assert executed(outputs["task"]) == {"report"}  # everything else was cached before
    assert "report: r2=" in outputs["task"]
    assert executed(outputs["task again"]) == set()


def test_a_new_group_option_is_chosen_by_name(changed):
    _, _, outputs = changed
    assert re.search(r"report: r2=0\.[0-9]{6} ", outputs["group"])


def test_a_new_workflow_runs_sweeps_and_packages(changed):
    project, _, outputs = changed
    sweep = next(output for command, output in outputs.items() if " -m " in command)
    assert "#0 : model=linear" in sweep and "#1 : model=cubic" in sweep
    (manifest,) = (project / "dist/flyte").glob("baseline-*.json")
    assert json.loads(manifest.read_text())["workflow"] == f"{PACKAGE}.workflows.baseline.pipeline"


def test_the_projects_lint_and_tests_pass_and_cover_the_new_parts(changed):
    project, home, _ = changed
    make(project, "lint", home=home)
    # The launcher's tests (tests/infra) never read src/ or conf/, which is all the recipes change:
    # test_launcher_fixtures.py runs them with both deleted, test_real_pipeline.py on a new one.
    output = make(project, "test", home=home, PYTEST_ARGS="-v --ignore=tests/infra")
    (summary,) = re.findall(r"^=+ (\d+ passed.* in [\d.]+s) .*=$", output, re.MULTILINE)
    assert " failed" not in summary and " error" not in summary, summary
    for part in ("[baseline]", "model-quadratic", "report-brief", "report-precise"):
        assert part in output, f"no test covers {part}"


def test_the_package_holds_the_new_task(changed):
    project, home, _ = changed
    make(project, "package", home=home, WORKFLOW="multi_task")
    (archive,) = (project / "dist/flyte").glob("multi_task-*.tgz")
    with tarfile.open(archive) as tar:
        assert any(
            name.endswith(f"{PACKAGE}.workflows.tasks.report_1.pb") for name in tar.getnames()
        )


def test_editing_a_task_re_runs_it_and_what_its_output_feeds(changed):
    project, home, _ = changed
    make(project, "run", home=home)
    edit(
        project / "src" / PACKAGE / "workflows/tasks.py",
        "    return coefficients\n",
        "    return [round(c, 6) for c in coefficients]\n",
    )
    assert executed(make(project, "run", home=home)) == {"train", "evaluate", "report"}
    edit(project / "src" / PACKAGE / "report.py", 'f"r2=', 'f"R2=')
    assert executed(make(project, "run", home=home)) == {"report"}
