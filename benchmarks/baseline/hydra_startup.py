"""One Hydra app start-up, timed from inside: how long Hydra's plugin scan takes in it.

Hydra imports every module under the ``hydra_plugins`` namespace on every start-up. With
``BENCH_HIDE=<project root>`` the project's folder is taken off ``sys.path`` first, so its
launcher shim is not there to scan; everything else (interpreter, venv, packages) is the same.
Prints one JSON line: scan, shim-module and whole-app times, the launchers found, and whether
flytekit got imported.
"""

import json
import os
import sys
import time

START = time.perf_counter()
HIDE = os.environ.get("BENCH_HIDE")
if HIDE:
    sys.path[:] = [p for p in sys.path if os.path.realpath(p or ".") != os.path.realpath(HIDE)]

import hydra  # noqa: E402
from hydra.core.plugins import Plugins  # noqa: E402
from hydra.plugins.launcher import Launcher  # noqa: E402

before_scan = time.perf_counter()
plugins = Plugins.instance()  # the scan; Hydra's own start-up reuses this instance
scan_ms = (time.perf_counter() - before_scan) * 1000
# Hydra times each plugin module it imports: the shim's own share of the scan.
shim_ms = sum(
    seconds * 1000
    for name, seconds in plugins.stats.modules_import_time.items()
    if name.startswith("hydra_plugins.")
)
launchers = sorted(f"{cls.__module__}.{cls.__name__}" for cls in plugins.discover(Launcher))
flytekit = "flytekit" in sys.modules


@hydra.main(config_path="conf", config_name="bare", version_base="1.3")
def main(cfg) -> None:
    """Nothing: only Hydra's start-up is measured."""


main()
print(
    json.dumps(
        {
            "scan_ms": scan_ms,
            "shim_ms": shim_ms,
            "app_ms": (time.perf_counter() - START) * 1000,
            "launchers": launchers,
            "flytekit_imported": flytekit,
        }
    )
)
