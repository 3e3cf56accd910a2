"""Slow: a user's own pipeline replaces the example in a fresh bake, and the project's own
`make lint` and tests pass with nothing in its `tests/` or `infra/` edited.

The pipelines are test data in `tests/pipelines/` (`support/pipelines.py` puts them in), written
the way the generated README tells a user to write one:

- `churn`: pandas and scikit-learn, DataFrames between tasks, a model saved as a FlyteFile, a
  `map_task` over seeds, a `@dynamic` k-fold cross-validation, a sub-workflow, a `conditional`,
  an optional and an Enum hyperparameter, a module-level FEATURES list, and GPU task settings
  (`hydra.launcher.tasks.train`) in its primary config; its only workflow has no experiments.
- `corpus`: a FlyteDirectory output, a workflow input of its own (`top`) besides the config, a
  task taking the whole config, an uncached task, a nested dataclass and a list in its group's
  schema, and two experiments.
"""

import os
import re
import subprocess
from pathlib import Path

import pytest
from pytest_cookies.plugin import Cookies

from support.baking import baked
from support.git import GIT_ENV
from support.pipelines import add_pipeline, remove_example
from support.targets import make

pytestmark = pytest.mark.slow

# What each pipeline needs besides the project's own dependencies, added as a user adds them
# (`make add`), and the bake it starts from: `churn` replaces the skeleton of an `example=none`
# bake, `corpus` the polynomial example, each removed as the generated README says.
DEPENDENCIES = {"churn": "pandas scikit-learn pyarrow", "corpus": ""}
EXAMPLE = {"churn": "none", "corpus": "polynomial"}
# The project's own tests, the ones that follow src/ and conf/: the launcher's tests (tests/infra)
# run on a fixture project of their own, never on src/ or conf/ (test_launcher_fixtures.py runs
# them with both deleted), so a pipeline cannot change what they do.
PYTEST_ARGS = "-v --ignore=tests/infra"


def git(project: Path, *arguments: str) -> str:
    """``git arguments`` in the project, with the tests' identity; its output."""
    env = {**os.environ, **GIT_ENV}
    result = subprocess.run(
        ["git", *arguments], cwd=project, env=env, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


@pytest.mark.parametrize("pipeline", sorted(DEPENDENCIES))
def test_the_projects_tests_pass_for_a_pipeline_of_its_own(
    pipeline: str, cookies: Cookies, tmp_path: Path
) -> None:
    home = tmp_path / "home"
    home.mkdir()
    project = baked(cookies.bake(extra_context={"example": EXAMPLE[pipeline]}))
    removed = remove_example(project, EXAMPLE[pipeline])
    assert removed, f"no example file of the {EXAMPLE[pipeline]} bake was found"
    written = add_pipeline(project, pipeline)
    assert all(path.startswith(("src/", "conf/")) for path in written), written
    make(project, "install", home=home)
    if DEPENDENCIES[pipeline]:
        make(project, "add", home=home, PKG=DEPENDENCIES[pipeline])
    git(project, "init", "-q")
    git(project, "add", "-A")
    git(project, "commit", "-q", "-m", f"the {pipeline} pipeline")
    output = make(project, "lint", "test", home=home, PYTEST_ARGS=PYTEST_ARGS)
    # the generic tests ran on the pipeline's workflow
    for test in ("test_workflows.py::test_main_runs", "test_caching.py::test_a_second_run"):
        case = rf"{test}\S*\[{pipeline}\]"  # pytest-xdist prints PASSED first
        assert re.search(rf"PASSED \S*{case}|{case} PASSED", output), f"{test}: {output}"
    assert git(project, "status", "--porcelain") == "", "the tests left files in the project"
