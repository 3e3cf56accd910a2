"""Running the project's workflow files the way a user does: ``python <workflow>.py args``.

By default the file runs in the test's own process (as ``__main__``, with the same arguments,
folder, environment and Flyte cache folder a new process would have): a new process spends most
of its time importing flytekit again. ``process=True`` starts a real one, for a test whose subject
is the process itself: signals, two runs at once, or source files edited between runs (this
process has imported them already). With ``TEST_WORKFLOWS_IN_NEW_PROCESSES=1`` in the
environment every run starts a new process, to rule the shared process out when a test fails.
"""

import logging
import os
import runpy
import subprocess
import sys
import tempfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

import pytest
from flytekit.core.local_cache import LocalTaskCache
from hydra.core.global_hydra import GlobalHydra
from hydra.core.hydra_config import HydraConfig

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
    process: bool = False,
) -> str:
    """Run ``python <workflow>.py args`` with Flyte's settings unset, so its local cache is on
    (in ``home``'s ``.flyte``, by default the tests' own HOME).

    Returns the combined output; fails the test with that output unless the run succeeds (or,
    with ``succeed=False``, fails). ``path`` replaces the PATH the script sees. The file is in
    ``workflows_dir`` (by default the project's workflows folder); ``pythonpath`` adds import
    folders. With ``process``, the script runs in a new Python process, killed (failing the
    test) past ``timeout`` seconds.
    """
    if workflows_dir is None:
        from support.project import WORKFLOWS_DIR as workflows_dir
    script = workflows_dir / f"{workflow}.py"
    env = {key: value for key, value in os.environ.items() if not key.startswith("FLYTE_")}
    if home is not None:
        env["HOME"] = str(home)
    # tests/ for test-only Hydra callbacks
    env["PYTHONPATH"] = os.pathsep.join(map(str, [ROOT / "tests", *pythonpath]))
    if path is not None:
        env["PATH"] = path
    if in_new_process(process):
        returncode, output = run_in_new_process(script, args, cwd, env, timeout)
    else:
        returncode, output = run_in_this_process(script, args, cwd, env, pythonpath)
    assert (returncode == 0) == succeed, output
    return output


def in_new_process(asked: bool) -> bool:
    """Whether a run starts a new process: when asked to, or always with
    ``TEST_WORKFLOWS_IN_NEW_PROCESSES=1``."""
    return asked or os.environ.get("TEST_WORKFLOWS_IN_NEW_PROCESSES") == "1"


def run_in_new_process(
    script: Path, args: Sequence[str], cwd: Path, env: dict[str, str], timeout: float
) -> tuple[int, str]:
    """``python script args`` in a new process: its exit code and its output."""
    result = subprocess.run(
        [sys.executable, str(script), *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    return result.returncode, result.stdout + result.stderr


def run_in_this_process(
    script: Path, args: Sequence[str], cwd: Path, env: dict[str, str], pythonpath: Sequence[Path]
) -> tuple[int, str]:
    """``python script args`` run here as ``__main__``: its exit code and its output (this
    process's and its children's, as a new process's would be). The environment, folder,
    ``sys.argv``, Flyte's local cache, logging and Hydra's global state are restored after."""
    with pytest.MonkeyPatch.context() as patch:
        for name in set(os.environ) - set(env):
            patch.delenv(name)
        for name, value in env.items():
            patch.setenv(name, value)
        patch.chdir(cwd)
        patch.setattr(sys, "argv", [str(script), *args])
        patch.setattr(sys, "path", [str(script.parent), *map(str, pythonpath), *sys.path])
        # Flyte opens its local cache once per process, under the HOME of that moment.
        patch.setattr(LocalTaskCache, "_initialized", False)
        patch.setattr(LocalTaskCache, "_cache", None, raising=False)
        with captured_output() as output, logging_restored():
            try:
                runpy.run_path(str(script), run_name="__main__")
                returncode = 0
            except SystemExit as exit:
                returncode = exit_code(exit)
            finally:
                GlobalHydra.instance().clear()
                HydraConfig.instance().cfg = None
                if LocalTaskCache._initialized:
                    LocalTaskCache._cache.close()
    return returncode, output.text


def exit_code(exit: SystemExit) -> int:
    """The exit code ``sys.exit(code)`` gives a process, writing a message code to stderr as
    Python does."""
    if exit.code is None:
        return 0
    if isinstance(exit.code, int):
        return exit.code
    print(exit.code, file=sys.stderr)
    return 1


class Captured:
    """What was written to standard output and error in a ``captured_output`` block, once the
    block has ended."""

    text = ""


@contextmanager
def captured_output() -> Iterator[Captured]:
    """Send file descriptors 1 and 2, and Python's ``sys.stdout``/``sys.stderr``, to one file
    for the block: what Python code, loggers and child processes write."""
    sys.stdout.flush()
    sys.stderr.flush()
    streams = sys.stdout, sys.stderr
    saved = [os.dup(1), os.dup(2)]
    captured = Captured()
    with (
        tempfile.TemporaryFile() as sink,
        open(1, "w", buffering=1, encoding="utf-8", errors="replace", closefd=False) as text,
    ):
        os.dup2(sink.fileno(), 1)
        os.dup2(sink.fileno(), 2)
        sys.stdout = sys.stderr = text
        # Loggers made before the block (flytekit's, at import) write to the streams of then.
        handlers = [
            handler
            for logger in all_loggers()
            for handler in logger.handlers
            if type(handler) is logging.StreamHandler and handler.stream in streams
        ]
        handler_streams = [handler.setStream(text) for handler in handlers]
        try:
            yield captured
        finally:
            text.flush()
            sys.stdout, sys.stderr = streams
            for handler, stream in zip(handlers, handler_streams, strict=True):
                handler.setStream(stream)
            for fd, copy in zip((1, 2), saved, strict=True):
                os.dup2(copy, fd)
                os.close(copy)
            sink.seek(0)
            captured.text = sink.read().decode("utf-8", errors="replace")


@contextmanager
def logging_restored() -> Iterator[None]:
    """Undo what a run's logging configuration (Hydra's, per job) did to the loggers, closing
    the handlers it added (its log files)."""
    before = {
        logger: (logger.level, list(logger.handlers), logger.propagate, logger.disabled)
        for logger in all_loggers()
    }
    try:
        yield
    finally:
        for logger in all_loggers():
            kept = before.get(logger)
            for handler in logger.handlers:
                if kept is None or handler not in kept[1]:
                    handler.close()
            if kept is None:
                logger.handlers = []
                continue
            logger.level, handlers, logger.propagate, logger.disabled = kept
            logger.handlers = handlers


def all_loggers() -> list[logging.Logger]:
    """The root logger and every logger made so far."""
    made = logging.root.manager.loggerDict.values()
    return [logging.root, *(logger for logger in made if isinstance(logger, logging.Logger))]
