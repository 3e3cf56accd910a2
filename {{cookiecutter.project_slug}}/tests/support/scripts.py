"""Running the project's workflow files the way a user does: ``python <workflow>.py args``."""

import os
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def run_workflow_script(
    workflow: str,
    *args: str,
    cwd: Path,
    home: Path | None = None,
    succeed: bool = True,
    path: str | None = None,
    timeout: float = 300,
    workflows_dir: Path | None = None,
    pythonpath: Sequence[Path] = (),
) -> str:
    """Run ``python <workflow>.py args`` in a fresh process with Flyte's settings unset, so its
    local cache is on (in ``home``'s ``.flyte``, by default the tests' own HOME).

    Returns the combined output; fails the test with that output unless the run succeeds (or,
    with ``succeed=False``, fails). ``path`` replaces the PATH the script sees; past ``timeout``
    seconds the script is killed and the test fails. The file is in ``workflows_dir`` (by
    default the project's workflows folder); ``pythonpath`` adds import folders.
    """
    env = {key: value for key, value in os.environ.items() if not key.startswith("FLYTE_")}
    if home is not None:
        env["HOME"] = str(home)
    # tests/ for test-only Hydra callbacks
    env["PYTHONPATH"] = os.pathsep.join(map(str, [ROOT / "tests", *pythonpath]))
    if path is not None:
        env["PATH"] = path
    if workflows_dir is None:
        from support.project import WORKFLOWS_DIR as workflows_dir
    result = subprocess.run(
        [sys.executable, str(workflows_dir / f"{workflow}.py"), *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    output = result.stdout + result.stderr
    assert (result.returncode == 0) == succeed, output
    return output
