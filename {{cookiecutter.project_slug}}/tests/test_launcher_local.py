"""The launcher's local mode, its shim and its early errors, run like a user would."""

import json
import subprocess
import sys

from conftest import ROOT, SMALL_DATA, WORKFLOWS_DIR, run_workflow_script


def test_local_sweep_returns_one_job_return_per_job(tmp_path):
    returns = tmp_path / "returns.jsonl"
    run_workflow_script(
        "multi_task",
        "-m",
        "hydra.launcher.mode=local",
        "model=linear,cubic",
        *SMALL_DATA,
        f"hydra.sweep.dir={tmp_path / 'sweep'}",
        "+hydra.callbacks.record._target_=job_returns.RecordJobReturns",
        f"+hydra.callbacks.record.path={returns}",
        home=tmp_path,
        cwd=ROOT / "tests",
    )
    jobs = [json.loads(line) for line in returns.read_text().splitlines()]
    assert [job["overrides"] for job in jobs] == [
        ["model=linear", *SMALL_DATA],
        ["model=cubic", *SMALL_DATA],
    ]
    assert all(job["status"] == "COMPLETED" for job in jobs)
    assert [job["value"].split("passed=")[1] for job in jobs] == ["False)", "True)"]
    assert (tmp_path / "sweep" / "0" / ".hydra" / "overrides.yaml").is_file()
    assert (tmp_path / "sweep" / "1" / ".hydra" / "overrides.yaml").is_file()


def test_local_sweep_binds_the_extra_inputs_from_the_config(tmp_path):
    output = run_workflow_script(
        "extra_inputs",
        "-m",
        "hydra.launcher.mode=local",
        'query="1.0"',
        *SMALL_DATA,
        f"hydra.sweep.dir={tmp_path}",
        home=tmp_path,
        cwd=tmp_path,
    )
    assert "#0 : query=" in output


def test_the_shim_does_not_import_flytekit():
    code = (
        "import sys, importlib, pkgutil, hydra_plugins\n"
        "for module in pkgutil.walk_packages(hydra_plugins.__path__, 'hydra_plugins.'):\n"
        "    importlib.import_module(module.name)\n"
        "assert 'flytekit' not in sys.modules, 'flytekit imported'\n"
        "assert 'infra.launcher' not in sys.modules\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True, cwd=ROOT)


def test_missing_workflow_input_is_named(tmp_path):
    command = [sys.executable, str(WORKFLOWS_DIR / "extra_inputs.py"), "-m"]
    overrides = ["hydra.launcher.mode=local", "~query", f"hydra.sweep.dir={tmp_path}"]
    result = subprocess.run(
        [*command, *overrides], capture_output=True, text=True, cwd=tmp_path, timeout=120
    )
    assert result.returncode != 0
    assert "inputs with no value: ['query']" in result.stderr
