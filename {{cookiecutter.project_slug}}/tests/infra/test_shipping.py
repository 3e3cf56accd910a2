"""Nothing secret leaves this machine (infra/shipping.py): secret-looking files planted in every
folder that ships stay out of the wheel, the fast-registration archive and the image's build
context, while the code ships; and the tools' own lists (.dockerignore, pyproject.toml) name every
secret of the one list, so they cannot drift from it.

The wheel is built with ``uv build`` and the project's build backend from .venv (no download); the
build context is what buildah copies for the project's .dockerignore, where buildah can build.
"""

import gzip
import io
import os
import shutil
import subprocess
import sys
import tarfile
import uuid
import zipfile
from pathlib import Path

import pytest
from flytekit.tools.fast_registration import fast_package

from infra.shipping import BUILD_CONTEXT, SECRET_FILES, SECRET_FOLDERS, WHEEL, fast_package_options
from support.buildah import build_to_folder, buildah_env
from support.fixture_project import CONF_DIR, SOURCE, WORKFLOW_NAMES
from support.fixture_project import PACKAGE as FIXTURE_PACKAGE
from support.flyteadmin import serving
from support.scripts import ROOT, run_workflow_script

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10: pytest brings tomli, the same parser
    import tomli as tomllib

MARK = f"planted-secret-{uuid.uuid4().hex}"
# One file per secret pattern (``*`` made a word) and per credentials folder, and real names.
PLANTED = sorted(
    {pattern.replace("*", "prod") for pattern in SECRET_FILES}
    | {f"{folder}/config" for folder in SECRET_FOLDERS}
    | {"id_rsa", "id_ed25519.pub", ".env.local", "gcloud/application_default_credentials.json"}
)
# What the project holds but a copy of it for these tests leaves out.
NOT_COPIED = (".git", ".venv", ".uv", "outputs", "multirun", "dist", "__pycache__", ".*_cache")
CODE = ("src", "infra", "hydra_plugins")
PACKAGE = WHEEL[0].rpartition("/")[2]  # the project's package: src/<PACKAGE>


def folders_under(root: Path, *tops: str) -> list[Path]:
    """Every folder under ``root/top`` for each of ``tops``, caches left out."""
    return [
        Path(folder)
        for top in tops
        for folder, _, _ in os.walk(root / top)
        if "__pycache__" not in Path(folder).parts
    ]


def plant(folders: list[Path], made: list[Path]) -> None:
    """Every planted secret in each of ``folders``, never over an existing file; what it makes
    goes to the front of ``made`` (files before their folders), for the caller to remove."""
    for folder in folders:
        for name in PLANTED:
            path = folder / name
            if path.exists():
                continue
            if not path.parent.exists():
                path.parent.mkdir()
                made.insert(0, path.parent)
            path.write_text(f"TOKEN={MARK}\n")
            made.insert(0, path)


def assert_no_secret(files: dict[str, bytes]) -> None:
    """No file of a listing (path: content) is a planted one."""
    leaked = sorted(name for name, data in files.items() if MARK.encode() in data)
    assert not leaked, f"planted secrets shipped: {leaked}"


def python_files(root: Path, top: str) -> set[str]:
    """The Python files under ``root/top``, relative to ``root``."""
    return {
        path.relative_to(root).as_posix()
        for path in (root / top).rglob("*.py")
        if "__pycache__" not in path.parts
    }


def tar_files(data: bytes) -> dict[str, bytes]:
    with tarfile.open(fileobj=io.BytesIO(data)) as tar:
        return {m.name: tar.extractfile(m).read() for m in tar.getmembers() if m.isfile()}


@pytest.fixture(scope="module")
def project(tmp_path_factory) -> Path:
    """A copy of the project, its src/<package> and conf/ the fixture project's (whatever the
    project's hold), with every secret planted in the project folder, conf/ and every folder of
    the code."""
    root = tmp_path_factory.mktemp("shipping") / "project"
    shutil.copytree(ROOT, root, ignore=shutil.ignore_patterns(*NOT_COPIED))
    for folder in (root / "src", root / "conf"):
        shutil.rmtree(folder, ignore_errors=True)
    shutil.copytree(SOURCE / FIXTURE_PACKAGE, root / "src" / PACKAGE)
    shutil.copytree(CONF_DIR, root / "conf")
    plant([root, root / "conf", *folders_under(root, *CODE)], [])
    return root


@pytest.mark.slow
def test_the_wheel_ships_the_code_and_no_secret(project, tmp_path):
    uv = shutil.which("uv") or str(ROOT / ".uv" / "bin" / "uv")
    build = [
        uv,
        "build",
        "--wheel",
        "--offline",
        "--no-build-isolation",
        "--python",
        sys.executable,
    ]
    subprocess.run([*build, "--out-dir", str(tmp_path), str(project)], check=True)
    (wheel,) = tmp_path.glob("*.whl")
    with zipfile.ZipFile(wheel) as archive:
        files = {name: archive.read(name) for name in archive.namelist()}
    assert_no_secret(files)
    for folder in WHEEL:  # src/<package> is the wheel's <package>
        parent, _, name = folder.rpartition("/")
        assert python_files(project / parent, name) <= set(files)


def test_the_fast_registration_archive_ships_the_package_and_no_secret(project, tmp_path):
    source = project / "src"  # the source root the launcher packs (infra.discovery.source_root)
    archive = fast_package(source, tmp_path, options=fast_package_options())
    files = tar_files(Path(archive).read_bytes())
    assert_no_secret(files)
    assert python_files(source, PACKAGE) <= set(files)
    assert {name.partition("/")[0] for name in files} == {PACKAGE}


@pytest.fixture
def planted_in_source(tmp_path) -> Path:
    """A copy of the fixture project with the secrets planted in its source folders, for a real
    launch: its source root. Nothing is planted in the project's own folders."""
    copy = tmp_path / "fixture_project"
    shutil.copytree(SOURCE.parent, copy, ignore=shutil.ignore_patterns("__pycache__"))
    plant([copy / "src", *folders_under(copy, f"src/{FIXTURE_PACKAGE}")], [])
    return copy / "src"


@pytest.mark.slow
def test_a_fast_registered_launch_uploads_no_secret(planted_in_source, tmp_path):
    with serving() as admin:
        run_workflow_script(
            WORKFLOW_NAMES[0],
            "-m",
            f"hydra.launcher.connection.endpoint={admin.endpoint}",
            "hydra.launcher.build=false",
            "hydra.launcher.version=shipping-1",
            "hydra.launcher.fast_register=true",
            "hydra.launcher.run=false",
            f"hydra.sweep.dir={tmp_path / 'sweep'}",
            cwd=tmp_path,
            workflows_dir=planted_in_source / FIXTURE_PACKAGE / "workflows",
            pythonpath=[planted_in_source],
        )
        (upload,) = admin.uploads.values()
    files = tar_files(gzip.decompress(upload))
    assert_no_secret(files)
    assert python_files(planted_in_source, FIXTURE_PACKAGE) <= set(files)


def test_the_build_context_holds_the_code_and_no_secret(project, tmp_path):
    env = buildah_env(tmp_path)
    dockerfile = tmp_path / "Dockerfile"  # outside the context: only what it sends is copied
    dockerfile.write_text("FROM scratch\nCOPY . /context/\n")
    command = ["buildah", "build", "--file", str(dockerfile), str(project)]
    build_to_folder(env, command, tmp_path / "out")
    context = tmp_path / "out" / "context"
    files = {
        path.relative_to(context).as_posix(): path.read_bytes()
        for path in context.rglob("*")
        if path.is_file()
    }
    assert_no_secret(files)
    for top in CODE:
        assert python_files(project, top) <= set(files)
    assert {name.partition("/")[0] for name in files} <= {
        entry.rstrip("/") for entry in BUILD_CONTEXT
    }


def dockerignore_lines() -> list[str]:
    lines = (ROOT / ".dockerignore").read_text().splitlines()
    return [line for line in lines if line.strip() and not line.startswith("#")]


def test_the_dockerignore_lets_in_the_allow_list_then_leaves_out_every_secret():
    lines = dockerignore_lines()
    assert lines[0] == "*"
    allowed = [line.removeprefix("!") for line in lines if line.startswith("!")]
    assert allowed == list(BUILD_CONTEXT)
    last_allowed = max(i for i, line in enumerate(lines) if line.startswith("!"))
    after = lines[last_allowed + 1 :]  # the last matching line wins
    assert {f"**/{pattern}" for pattern in SECRET_FILES} <= set(after)
    assert {f"**/{folder}/**" for folder in SECRET_FOLDERS} <= set(after)


def test_the_wheel_config_ships_the_allow_list_and_excludes_every_secret():
    wheel = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["hatch"]["build"]
    wheel = wheel["targets"]["wheel"]
    assert wheel["packages"] == list(WHEEL)
    assert set(SECRET_FILES) | set(SECRET_FOLDERS) <= set(wheel["exclude"])
