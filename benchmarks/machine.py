"""The machine and the tool versions every figure depends on."""

from __future__ import annotations

import os
import platform
import shutil
import subprocess
from pathlib import Path


def _first(path: str, prefix: str) -> str | None:
    try:
        for line in Path(path).read_text().splitlines():
            if line.startswith(prefix):
                return line.split(":", 1)[1].strip() if ":" in line else line.split("=", 1)[1]
    except OSError:
        pass
    return None


def _output(*command: str) -> str:
    if not shutil.which(command[0]):
        return "not installed"
    result = subprocess.run(command, capture_output=True, text=True, check=False)
    return (
        (result.stdout or result.stderr).strip().splitlines()[0] if result.returncode == 0 else "?"
    )


def machine() -> dict[str, str]:
    memory_kb = _first("/proc/meminfo", "MemTotal")
    memory = f"{int(memory_kb.split()[0]) / 1024**2:.1f} GiB" if memory_kb else "?"
    os_name = (_first("/etc/os-release", "PRETTY_NAME=") or platform.system()).strip('"')
    return {
        "CPU": _first("/proc/cpuinfo", "model name") or platform.processor() or "?",
        "Cores": str(os.cpu_count()),
        "RAM": memory,
        "OS": f"{os_name}, kernel {platform.release()}",
        "PYTHONDONTWRITEBYTECODE": os.environ.get("PYTHONDONTWRITEBYTECODE") or "unset",
        "uv on PATH": shutil.which("uv") or "no (the template's .venv/bin/uv was used)",
    }


def load() -> str:
    """1, 5 and 15 minute load averages: other work on the machine shows here."""
    return " / ".join(f"{value:.2f}" for value in os.getloadavg())


def tool_versions(uv: str) -> dict[str, str]:
    """Installer and builder versions (the project's packages come from its venv)."""
    return {
        "uv": _output(uv, "--version"),
        "pip (python3 -m venv)": _output("python3", "-m", "pip", "--version").split(" from ")[0],
        "buildah": _output("buildah", "--version"),
    }
