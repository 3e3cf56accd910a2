"""Nothing secret leaves this machine (infra/workflow/shipping.py, infra/workflow/secret_files.py):
every family of secret files, in three cases, planted in every folder of a copy of the project
stays out of the wheel, the sdist, git, the image's build context, the fast-registration archive
and the Flyte package, while the code ships; a file that holds a private key under a name that says
nothing is left out where the door is Python and stops the build where it is a glob list. The
ignore files hold exactly the list's globs, so they cannot drift from it.

The wheel and sdist are built with ``uv build`` and the project's build backend from .venv (no
download); the build context is what buildah copies for the project's .dockerignore.
"""

import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from flytekit.tools.fast_registration import fast_package

from infra.errors import LauncherError
from infra.workflow.secret_files import IGNORE_FILES, glob_lines
from infra.workflow.shipping import BUILD_CONTEXT, WHEEL, fast_package_options, refuse_key_files
from support.buildah import build_to_folder, buildah_env
from support.fixture_project import PACKAGE, WORKFLOW_NAMES
from support.planted import (
    CODE,
    KEY_FILES,
    NAMED,
    copy_project,
    leaked,
    plant,
    run_copy_workflow,
    tar_files,
)
from support.scripts import ROOT

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10: pytest brings tomli, the same parser
    import tomli as tomllib

SDIST_TOP = {*WHEEL, "pyproject.toml", "README.md", "LICENSE"}
# The copies' wheel and sdist folders: their src/ holds the fixture project's package.
COPY_WHEEL = (f"src/{PACKAGE}", *WHEEL[1:])
COPY_SDIST_TOP = {*COPY_WHEEL, *(SDIST_TOP - set(WHEEL))}


@pytest.fixture(scope="module")
def named(tmp_path_factory) -> Path:
    """A copy of the project with every secret name planted in every folder."""
    root = copy_project(tmp_path_factory.mktemp("shipping") / "project")
    plant(root)
    return root


@pytest.fixture(scope="module")
def keyed(tmp_path_factory) -> Path:
    """A copy of the project with every secret name and every key file planted everywhere."""
    root = copy_project(tmp_path_factory.mktemp("keyed") / "project")
    plant(root, keys=True)
    return root


def uv_build(project: Path, out: Path, succeed: bool = True) -> str:
    """``uv build`` (sdist, then the wheel from it) with the backend of .venv, offline."""
    uv = shutil.which("uv") or str(ROOT / ".uv" / "bin" / "uv")
    build = [uv, "build", "--offline", "--no-build-isolation", "--python", sys.executable]
    result = subprocess.run(
        [*build, "--out-dir", str(out), str(project)], capture_output=True, text=True
    )
    assert (result.returncode == 0) == succeed, result.stderr
    return result.stderr


def python_files(root: Path, top: str) -> set[str]:
    """The Python files under ``root/top``, relative to ``root``."""
    return {
        path.relative_to(root).as_posix()
        for path in (root / top).rglob("*.py")
        if "__pycache__" not in path.parts
    }


@pytest.mark.slow
def test_uv_build_ships_the_code_and_no_secret_in_the_wheel_or_the_sdist(named, tmp_path):
    uv_build(named, tmp_path)
    (wheel,) = tmp_path.glob("*.whl")
    with zipfile.ZipFile(wheel) as archive:
        files = {name: archive.read(name) for name in archive.namelist()}
    assert not leaked(files)
    for folder in COPY_WHEEL:  # src/<package> is the wheel's <package>
        parent, _, name = folder.rpartition("/")
        assert python_files(named / parent, name) <= set(files)
    (sdist,) = tmp_path.glob("*.tar.gz")
    files = tar_files(sdist.read_bytes())
    assert not leaked(files)
    inside = {name.partition("/")[2] for name in files}  # under <name>-<version>/
    assert {name for name in inside if name != "PKG-INFO"} <= {
        path.relative_to(named).as_posix() for path in named.rglob("*") if path.is_file()
    }
    added = {"PKG-INFO", ".gitignore"}  # hatchling's own additions
    assert all(any(name.startswith(top) for top in COPY_SDIST_TOP) for name in inside - added)


@pytest.mark.slow
def test_uv_build_refuses_a_file_holding_a_private_key_and_names_it(keyed, tmp_path):
    error = uv_build(keyed, tmp_path, succeed=False)
    assert "holds a private key" in error
    for name in KEY_FILES:
        assert f"src/{PACKAGE}/{name}" in error
    assert not [*tmp_path.glob("*.whl"), *tmp_path.glob("*.tar.gz")]


def test_the_fast_registration_archive_ships_the_package_and_no_secret(keyed, tmp_path):
    source = (
        keyed / "src"
    )  # the source root the launcher packs (infra.workflow.discovery.source_root)
    archive = fast_package(source, tmp_path, options=fast_package_options())
    files = tar_files(Path(archive).read_bytes())
    assert not leaked(files)
    assert python_files(source, PACKAGE) <= set(files)
    assert {name.partition("/")[0] for name in files} == {PACKAGE}


@pytest.mark.slow
def test_a_fast_registered_package_holds_no_secret(keyed, tmp_path):
    workflow = WORKFLOW_NAMES[0]
    run_copy_workflow(
        keyed,
        workflow,
        "-m",
        "hydra.launcher.mode=package",
        "hydra.launcher.version=shipping-1",
        "hydra.launcher.fast_register=true",
        f"hydra.launcher.package_dir={tmp_path / 'package'}",
        f"hydra.sweep.dir={tmp_path / 'sweep'}",
    )
    (package,) = (tmp_path / "package").glob("*.tgz")
    files = tar_files(package.read_bytes())
    assert not leaked(files)
    (source,) = [data for name, data in files.items() if name.endswith(".tar.gz")]
    assert python_files(keyed / "src", PACKAGE) <= set(tar_files(source))


@pytest.mark.slow
def test_the_build_context_holds_the_code_and_no_secret_name(named, tmp_path):
    env = buildah_env(tmp_path)
    dockerfile = tmp_path / "Dockerfile"  # outside the context: only what it sends is copied
    dockerfile.write_text("FROM scratch\nCOPY . /context/\n")
    command = ["buildah", "build", "--file", str(dockerfile), str(named)]
    build_to_folder(env, command, tmp_path / "out")
    context = tmp_path / "out" / "context"
    files = {
        path.relative_to(context).as_posix(): path.read_bytes()
        for path in context.rglob("*")
        if path.is_file()
    }
    assert not leaked(files)
    for top in CODE:
        assert python_files(named, top) <= set(files)
    assert {name.partition("/")[0] for name in files} <= {
        entry.rstrip("/") for entry in BUILD_CONTEXT
    }


def test_an_image_build_stops_before_it_starts_when_the_context_holds_a_key(keyed):
    with pytest.raises(LauncherError, match="holds a private key") as refused:
        refuse_key_files(keyed)
    for name in KEY_FILES:
        assert f"src/{PACKAGE}/{name}" in str(refused.value)
    assert not any(name in str(refused.value) for name in NAMED if "/" not in name)


def git(root: Path, *args: str, stdin: str = "") -> str:
    return subprocess.run(
        ["git", *args], cwd=root, input=stdin, capture_output=True, text=True, check=False
    ).stdout


@pytest.mark.slow
def test_git_stages_the_code_and_no_secret_name(named):
    git(named, "init", "--quiet")
    staged = git(named, "add", "--all", "--dry-run").splitlines()
    staged_files = {line.removeprefix("add ").strip("'") for line in staged}
    assert not [name for name in staged_files if leaked({name: (named / name).read_bytes()})]
    for top in CODE:
        assert python_files(named, top) <= staged_files
    files = {
        p.relative_to(named).as_posix(): p.read_bytes() for p in named.rglob("*") if p.is_file()
    }
    planted = {name for name in files if leaked({name: files[name]})}
    assert len(planted) >= len(NAMED) * 5
    ignored = git(named, "check-ignore", "--no-index", "--stdin", stdin="\n".join(sorted(planted)))
    assert set(ignored.splitlines()) == planted


@pytest.mark.slow
def test_make_lint_finds_every_key_git_would_stage(keyed):
    git(keyed, "init", "--quiet")
    result = subprocess.run(
        [sys.executable, "tools/check_files.py"], cwd=keyed, capture_output=True, text=True
    )
    assert result.returncode == 1
    found = {line.partition(":")[0] for line in result.stdout.splitlines() if "private-key" in line}
    staged = git(keyed, "add", "--all", "--dry-run").splitlines()
    keys = {line.removeprefix("add ").strip("'") for line in staged} & {
        p.relative_to(keyed).as_posix() for p in keyed.rglob("*") if p.name in KEY_FILES
    }
    assert keys and found == keys


def ignore_file_lines(name: str) -> list[str]:
    lines = (ROOT / name).read_text().splitlines()
    return [line for line in lines if line.strip() and not line.startswith("#")]


@pytest.mark.parametrize("name", list(IGNORE_FILES))
def test_each_ignore_file_holds_what_python_m_infra_secret_files_prints(name):
    printed = subprocess.run(
        [sys.executable, "-m", "infra.workflow.secret_files", name],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.splitlines()
    prefix, folder_suffix, line = IGNORE_FILES[name]
    assert printed == [line.format(glob) for glob in glob_lines(prefix, folder_suffix)]
    lines = (ROOT / name).read_text().splitlines()
    start = lines.index(printed[0])
    assert lines[start : start + len(printed)] == printed, (
        f"{name} no longer holds infra/workflow/secret_files.py's list: "
        f"`python -m infra.workflow.secret_files {name}` prints it"
    )


def test_the_dockerignore_lets_in_the_allow_list_before_the_secret_list():
    lines = ignore_file_lines(".dockerignore")
    assert lines[0] == "*"
    allowed = [line.removeprefix("!") for line in lines if line.startswith("!")]
    assert allowed == list(BUILD_CONTEXT)
    last_allowed = max(i for i, line in enumerate(lines) if line.startswith("!"))
    assert lines.index(glob_lines("**/", "/**")[0]) > last_allowed  # the last match wins


def test_the_wheel_and_sdist_ship_allow_lists_through_the_build_hook():
    build = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["hatch"]["build"]
    assert build["targets"]["wheel"]["packages"] == list(WHEEL)
    assert set(build["targets"]["sdist"]["only-include"]) == SDIST_TOP
    assert build["exclude"] == glob_lines()
    assert build["hooks"]["custom"]["path"] == "infra/workflow/build_hook.py"
