"""Running the project's workflow files the way a user does: ``python <workflow>.py args``."""

import os
import subprocess
import sys
from pathlib import Path

from support.project import ROOT, WORKFLOWS_DIR


def run_workflow_script(
    workflow: str,
    *args: str,
    cwd: Path,
    home: Path | None = None,
    succeed: bool = True,
    path: str | None = None,
    timeout: float = 300,
) -> str:
    """Run ``python <workflow>.py args`` in a fresh process with Flyte's settings unset, so its
    local cache is on (in ``home``'s ``.flyte``, by default the tests' own HOME).

    Returns the combined output; fails the test with that output unless the run succeeds (or,
    with ``succeed=False``, fails). ``path`` replaces the PATH the script sees; past ``timeout``
    seconds the script is killed and the test fails.
    """
    env = {key: value for key, value in os.environ.items() if not key.startswith("FLYTE_")}
    if home is not None:
        env["HOME"] = str(home)
    env["PYTHONPATH"] = str(ROOT / "tests")  # for test-only Hydra callbacks
    if path is not None:
        env["PATH"] = path
    result = subprocess.run(
        [sys.executable, str(WORKFLOWS_DIR / f"{workflow}.py"), *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    output = result.stdout + result.stderr
    assert (result.returncode == 0) == succeed, output
    return output
