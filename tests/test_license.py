"""Every `license` choice bakes a LICENSE and package metadata that agree, down to the wheel.

The wheel is built as `uv build` would build it, with the project's own build backend (hatchling,
from the template's venv, offline); its METADATA must carry the license as PEP 639 has it.
"""

from __future__ import annotations

import datetime
import email
import subprocess
import sys
import tomllib
import zipfile
from pathlib import Path

import pytest
from pytest_cookies.plugin import Cookies

from support.baking import baked
from support.template import CHOICES

AUTHOR = "Ada Lovelace"
# How each license's text begins, and the line naming the copyright holder.
OPENING = {
    "MIT": "MIT License\n\nCopyright (c) {year} {author}\n\nPermission is hereby granted",
    "Apache-2.0": "Apache License\n                           Version 2.0, January 2004",
    "BSD-3-Clause": "BSD 3-Clause License\n\nCopyright (c) {year} {author}\n\nRedistribution",
    "Proprietary": "Copyright (c) {year} {author}. All rights reserved.\n",
}
# The last words of each standard text (the Apache one ends with its appendix's notice, filled in).
CLOSING = {
    "MIT": "OTHER DEALINGS IN THE\nSOFTWARE.\n",
    "Apache-2.0": "   Copyright {year} {author}\n\n   Licensed under the Apache License",
    "BSD-3-Clause": "EVEN IF ADVISED OF THE POSSIBILITY OF SUCH DAMAGE.\n",
    "Proprietary": "except by written agreement with the copyright holder.\n",
}
SPDX = {"Proprietary": "LicenseRef-Proprietary"}  # the others are their own SPDX ids


def test_every_choice_has_its_text():
    assert set(OPENING) == set(CLOSING) == set(CHOICES["license"])


@pytest.fixture(scope="module", params=CHOICES["license"])
def licensed(request: pytest.FixtureRequest, cookies_session: Cookies) -> tuple[str, Path]:
    """(license, project folder) of a bake with that license and AUTHOR."""
    answers = {"license": request.param, "author_name": AUTHOR}
    return request.param, baked(cookies_session.bake(extra_context=answers))


def filled(text: str) -> str:
    return text.format(year=datetime.datetime.now(datetime.UTC).year, author=AUTHOR)


def test_license_file_is_the_full_text_with_year_and_author(licensed):
    name, project = licensed
    text = (project / "LICENSE").read_text("utf-8")
    assert text.lstrip().startswith(filled(OPENING[name])), text[:200]
    assert filled(CLOSING[name]) in text[-700:], text[-700:]
    assert "{" not in text and not text.startswith("\n") and text.endswith(".\n")


def test_pyproject_names_the_license_as_an_spdx_expression(licensed):
    name, project = licensed
    meta = tomllib.loads((project / "pyproject.toml").read_text("utf-8"))["project"]
    assert meta["license"] == SPDX.get(name, name)
    assert ("Private :: Do Not Upload" in meta.get("classifiers", [])) == (name == "Proprietary")


def test_the_wheel_carries_the_license(licensed, tmp_path):
    name, project = licensed
    build = [sys.executable, "-m", "hatchling", "build", "-t", "wheel", "-d", str(tmp_path)]
    result = subprocess.run(build, cwd=project, capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stdout + result.stderr
    (wheel,) = tmp_path.glob("*.whl")
    with zipfile.ZipFile(wheel) as archive:
        (metadata,) = [n for n in archive.namelist() if n.endswith(".dist-info/METADATA")]
        fields = email.message_from_bytes(archive.read(metadata))
        licensed_file = archive.read(metadata.replace("METADATA", "licenses/LICENSE"))
    assert tuple(map(int, fields["Metadata-Version"].split("."))) >= (2, 4)  # PEP 639's
    assert fields["License-Expression"] == SPDX.get(name, name)
    assert fields.get_all("License-File") == ["LICENSE"]
    assert licensed_file == (project / "LICENSE").read_bytes()
