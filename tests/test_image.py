"""The baked project's image, for real: built with the project's own `make image` (the launcher's
image step, infra/images/steps.py) and buildah, then a task run inside it the way a Flyte pod runs
it.

No Docker engine and no registry pull here, so:
1. the base image is made from Debian packages (mmdebstrap: bookworm's python3 is 3.11, hence the
   project's python_version) and passed to the Dockerfile as its BASE_IMAGE build argument;
2. buildah builds with chroot isolation into a private store (overlay where the kernel allows it,
   else vfs); pip and uv inside the build get the host's CA bundle through build options: test
   plumbing for this network, not part of the Dockerfile;
3. the multi-task workflow is packaged (`make package`), and its split_config, prepare_data and
   train tasks run in the image with `buildah run`: the container command from each task template,
   the inputs as a LiteralMap file bound from the launch plan and upstream outputs, a local
   output prefix; the outputs read back must be the right values;
4. a code-only change must rebuild on the cached dependency layer.

Set HFT_IMAGE_STORE to a folder to keep the store (and the base image) between runs, and
HFT_IMAGE_DRIVER to overlay or vfs to use that storage driver only.
"""

import importlib.util
import json
import marshal
import os
import re
import shlex
import shutil
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from pytest_cookies.plugin import Cookies

from support.baking import baked
from support.git import GIT_ENV

pytestmark = pytest.mark.image

DRIVERS = ("overlay", "vfs")
PYTHON = "3.11"  # Debian bookworm's python3
BASE_IMAGE = f"localhost/hft-python-base:{PYTHON}-bookworm"
POD_IO = Path(__file__).with_name("pod_io.py")
# What the official python:3.11-slim-bookworm image has and tasks need: useradd, libstdc++ (grpc),
# venv, CA certificates.
BASE_PACKAGES = ("passwd", "libstdc++6", "python3", "python3-venv", "ca-certificates")
DEFAULT_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
CA_BUNDLE = Path("/etc/ssl/certs/ca-certificates.crt")
# Never in the image: made in the project before building (the venv is there from `make install`).
SECRET = "SECRET_TOKEN=do-not-ship"
NEVER_SHIPPED = {".git", ".venv", ".env", "outputs", "multirun"}


def require(*tools: str) -> None:
    missing = [tool for tool in tools if shutil.which(tool) is None]
    if missing:
        message = f"the image test needs {', '.join(missing)} (apt-get install buildah mmdebstrap)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)


@dataclass
class Store:
    """A private buildah store; ``env`` points buildah at it (every buildah call gets it)."""

    root: Path
    driver: str
    env: dict[str, str]
    times: dict[str, float] = field(default_factory=dict)

    def buildah(self, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        result = subprocess.run(
            ["buildah", *args], capture_output=True, text=True, env=self.env, timeout=900
        )
        if check and result.returncode != 0:
            pytest.fail(f"buildah {shlex.join(args)} failed:\n{result.stdout}{result.stderr}")
        return result

    def inspect(self, ref: str) -> dict[str, Any]:
        image = json.loads(self.buildah("inspect", "--type", "image", ref).stdout)
        assert isinstance(image, dict), image
        return image

    @contextmanager
    def container(self, ref: str) -> Iterator[str]:
        """A fresh working container of ``ref``, as a pod gets one."""
        name = self.buildah("from", "--pull=never", "--quiet", ref).stdout.strip()
        try:
            yield name
        finally:
            self.buildah("rm", name, check=False)

    @contextmanager
    def timed(self, step: str) -> Iterator[None]:
        start = time.monotonic()
        yield
        self.times[step] = time.monotonic() - start


class TimesReport:
    """Says at the end of the run how long each step took, whatever the output capture."""

    def __init__(self, store: Store) -> None:
        self.store = store

    def pytest_terminal_summary(self, terminalreporter: pytest.TerminalReporter) -> None:
        times = ", ".join(f"{step} {seconds:.0f} s" for step, seconds in self.store.times.items())
        terminalreporter.write_line(f"image test, {self.store.driver} store: {times}")


@pytest.fixture(scope="session")
def store(
    tmp_path_factory: pytest.TempPathFactory, request: pytest.FixtureRequest
) -> Iterator[Store]:
    """overlay when this kernel lets buildah use it (about four times faster), else vfs."""
    require("buildah", "mmdebstrap")
    kept = os.environ.get("HFT_IMAGE_STORE")
    root = Path(kept) if kept else tmp_path_factory.mktemp("containers")
    root.mkdir(parents=True, exist_ok=True)
    for driver in [os.environ["HFT_IMAGE_DRIVER"]] if "HFT_IMAGE_DRIVER" in os.environ else DRIVERS:
        config = root / f"storage-{driver}.conf"
        config.write_text(
            f'[storage]\ndriver = "{driver}"\n'
            f'graphroot = "{root / driver}"\nrunroot = "{root / f"{driver}-run"}"\n'
        )
        env = {**os.environ, "CONTAINERS_STORAGE_CONF": str(config), "BUILDAH_ISOLATION": "chroot"}
        store = Store(root, driver, env)
        probe = store.buildah("from", "--quiet", "scratch", check=False)
        if probe.returncode == 0:
            store.buildah("rm", probe.stdout.strip())
            break
    else:
        pytest.fail(f"buildah cannot use an overlay or vfs store here:\n{probe.stderr}")
    request.config.pluginmanager.register(TimesReport(store), "image-test-times")
    yield store
    store.buildah("rm", "--all", check=False)
    if not kept:
        shutil.rmtree(root, ignore_errors=True)


@pytest.fixture(scope="session")
def base_image(store: Store, tmp_path_factory: pytest.TempPathFactory) -> str:
    """Python from Debian packages, as an image: no registry can be pulled from here."""
    if store.buildah("inspect", "--type", "image", BASE_IMAGE, check=False).returncode == 0:
        return BASE_IMAGE
    rootfs = tmp_path_factory.mktemp("rootfs") / "rootfs.tar"
    command = ["mmdebstrap", "--variant=essential", f"--include={','.join(BASE_PACKAGES)}"]
    command += [f"--dpkgopt=path-exclude=/usr/share/{name}/*" for name in ("doc", "man", "locale")]
    with store.timed("base image (mmdebstrap + import)"):
        result = subprocess.run(
            [*command, "bookworm", str(rootfs)], capture_output=True, text=True, timeout=900
        )
        assert result.returncode == 0, result.stderr[-3000:]
        container = store.buildah("from", "--quiet", "scratch").stdout.strip()
        store.buildah("add", "--quiet", container, str(rootfs), "/")
        environment = ["--env", "LANG=C.UTF-8", "--env", f"PATH={DEFAULT_PATH}"]
        store.buildah("config", *environment, "--cmd", "python3", container)
        store.buildah("commit", "--quiet", "--rm", container, BASE_IMAGE)
    rootfs.unlink()
    return BASE_IMAGE


@dataclass
class Project:
    path: Path
    home: Path
    package: str
    store: Store
    overrides: list[str]

    def make(self, *targets: str, **variables: str) -> str:
        """``make targets`` in the project as a user would run it, with the test's store."""
        env = {key: value for key, value in self.store.env.items() if not key.startswith("FLYTE_")}
        env.update(GIT_ENV, HOME=str(self.home))
        command = ["make", "--no-print-directory", "-C", str(self.path), *targets]
        command += [f"{key}={value}" for key, value in variables.items()]
        result = subprocess.run(command, capture_output=True, text=True, env=env, timeout=1800)
        output = result.stdout + result.stderr
        assert result.returncode == 0, output[-6000:]
        return output

    def image(self) -> tuple[str, str]:
        """``make image``: the reference it built and its output."""
        output = self.make("image", OVERRIDES=shlex.join(self.overrides))
        refs = re.findall(r"^default: (\S+) \(built here, not pushed\)$", output, re.MULTILINE)
        assert len(refs) == 1, output[-3000:]
        return refs[0], output

    def pod_io(self, *args: str) -> str:
        python = self.path / ".venv/bin/python"
        result = subprocess.run(
            [str(python), str(POD_IO), *args], capture_output=True, text=True, cwd=self.path
        )
        assert result.returncode == 0, result.stderr
        return result.stdout


@pytest.fixture(scope="module")
def project(
    tmp_path_factory: pytest.TempPathFactory,
    cookies_session: Cookies,
    store: Store,
    base_image: str,
) -> Project:
    """A project baked for Python 3.11, installed, committed, with things around that must
    never reach an image: a secret, Hydra outputs, the venv, git."""
    root = tmp_path_factory.mktemp("image-project")
    home = root / "home"
    home.mkdir()
    path = baked(cookies_session.bake(extra_context={"python_version": PYTHON}))
    package = json.loads((path / ".cookiecutter.json").read_text())["package_name"]
    build_options = ["-v", f"{root / 'pip.conf'}:/etc/pip.conf:ro"]
    build_options += ["-v", f"{root / 'uv.toml'}:/etc/uv/uv.toml:ro"]
    if CA_BUNDLE.is_file():  # this network's CA: pip and uv in the build must trust it
        build_options += ["-v", "/etc/ssl/certs:/etc/ssl/certs:ro"]
        (root / "pip.conf").write_text(f"[global]\ncert = {CA_BUNDLE}\n")
        (root / "uv.toml").write_text("system-certs = true\n")
    else:
        (root / "pip.conf").write_text("[global]\n")
        (root / "uv.toml").write_text("")
    overrides = [
        "hydra.launcher.builder=buildah",
        f"+hydra.launcher.images.default.build_args.BASE_IMAGE={base_image}",
        f"hydra.launcher.images.default.build_options={json.dumps(build_options)}",
    ]
    project = Project(path, home, package, store, overrides)
    with store.timed("make install"):
        project.make("install")
    (path / ".env").write_text(SECRET + "\n")
    (path / "outputs/2024-01-01/00-00-00/.hydra").mkdir(parents=True)
    (path / "outputs/2024-01-01/00-00-00/.hydra/config.yaml").write_text("secret: in-outputs\n")
    git = ["git", "-C", str(path)]
    env = {**os.environ, **GIT_ENV, "HOME": str(home)}
    for command in (["init", "-q", "-b", "main"], ["add", "-A"], ["commit", "-q", "-m", "Bake"]):
        subprocess.run([*git, *command], check=True, env=env, capture_output=True)
    return project


@pytest.fixture(scope="module")
def built(project: Project) -> tuple[str, str]:
    """The image `make image` built from the committed project: (reference, build output)."""
    with project.store.timed("first build (make image)"):
        return project.image()


def test_make_image_tags_the_image_with_the_launch_version(
    built: tuple[str, str], project: Project
) -> None:
    ref, _ = built
    command = ["git", "-C", str(project.path), "rev-parse", "--short=8", "HEAD"]
    sha = subprocess.run(command, capture_output=True, text=True, check=True).stdout.strip()
    assert ref.endswith(f"/{project.path.name}:main-{sha}"), ref
    config = project.store.inspect(ref)["OCIv1"]["config"]
    assert f"FLYTE_INTERNAL_IMAGE={ref}" in config["Env"]
    assert config["User"] == "1000:1000"


def test_the_image_runs_as_non_root_and_holds_only_the_installed_project(built, project):
    ref, _ = built
    store = project.store
    with store.container(ref) as container:
        who = store.buildah("run", container, "--", "sh", "-c", "id -u && touch probe && pwd")
        assert who.stdout.split() == ["1000", "/home/flyte"]  # writable: fast registration
        mount = Path(store.buildah("mount", container).stdout.strip())
        try:
            found = [
                path.relative_to(mount)
                for path in walk(mount)
                if path.name in NEVER_SHIPPED and not _inside_site_packages(path)
            ]
            secrets = [
                path.relative_to(mount)
                for top in ("opt", "home", "root", "tmp", "app", "src")
                if (mount / top).exists()
                for path in walk(mount / top)
                if path.is_file() and not path.is_symlink() and SECRET.encode() in path.read_bytes()
            ]
            site = next((mount / "opt/venv/lib").glob("python3*/site-packages"))
            installed = {
                name
                for name in (project.package, "infra", "hydra_plugins")
                if (site / name).is_dir()
            }
        finally:
            store.buildah("umount", container, check=False)
    assert found == [] and secrets == []
    assert installed == {project.package, "infra", "hydra_plugins"}


IMAGE_LIMIT_MB = 350  # 319 MB before searches; 587 MB with Optuna and its dependencies inside
# Run in the image: every workflow module imports, and nothing of the search group is installed.
IMPORT_CHECK = """
import importlib, importlib.util, pkgutil
import {package}.workflows as workflows
modules = [m.name for m in pkgutil.walk_packages(workflows.__path__, workflows.__name__ + ".")]
for name in modules:
    importlib.import_module(name)
print(len(modules), [n for n in ("optuna", "sqlalchemy", "alembic") if importlib.util.find_spec(n)])
"""


def test_the_image_leaves_the_search_group_out_and_every_workflow_module_imports(built, project):
    """Searches run on the user's machine: Optuna and its dependencies (pyproject.toml's
    ``search`` group) stay out of the image, which every task's pod pulls."""
    ref, _ = built
    store = project.store
    listed = store.buildah("images", "--json", ref).stdout
    size = json.loads(listed[listed.index("[") :])[0]["size"]
    match = re.fullmatch(r"([\d.]+)\s*([kKMG]?B)", size.strip())
    assert match, f"buildah listed {ref} with the size {size!r}"
    number, unit = match.groups()
    megabytes = float(number) * {"B": 1e-6, "kB": 1e-3, "KB": 1e-3, "MB": 1, "GB": 1e3}[unit]
    assert megabytes <= IMAGE_LIMIT_MB, f"{ref} is {size}"
    with store.container(ref) as container:
        check = IMPORT_CHECK.format(package=project.package)
        result = store.buildah("run", container, "--", "python", "-c", check)
    count, missing = result.stdout.strip().split(" ", 1)
    assert int(count) >= 1 and missing == "[]", result.stdout


def test_the_projects_code_is_byte_compiled_under_its_installed_path(built, project):
    """The image sets PYTHONDONTWRITEBYTECODE: code without bytecode is compiled by every pod."""
    ref, _ = built
    store = project.store
    with store.container(ref) as container:
        mount = Path(store.buildah("mount", container).stdout.strip())
        try:
            site = next((mount / "opt/venv/lib").glob("python3*/site-packages"))
            sources = [
                path
                for name in (project.package, "infra", "hydra_plugins")
                for path in (site / name).rglob("*.py")
            ]
            compiled = {path: Path(importlib.util.cache_from_source(str(path))) for path in sources}
            missing = [path for path, pyc in compiled.items() if not pyc.is_file()]
            names = {  # the file a traceback names: the path inside the image
                marshal.loads(pyc.read_bytes()[16:]).co_filename
                for pyc in compiled.values()
                if pyc.is_file()
            }
        finally:
            store.buildah("umount", container, check=False)
    assert len(sources) > 10 and missing == []
    assert names == {f"/{path.relative_to(mount)}" for path in sources}
    with store.container(ref) as container:  # and python takes it: not stale, not recompiled
        module = f"{project.package}.workflows.multi_task"
        verbose = store.buildah("run", container, "--", "python", "-v", "-c", f"import {module}")
    own = re.compile(rf"/site-packages/(?:{project.package}|infra)/")
    loaded = [line for line in verbose.stderr.splitlines() if own.search(line)]
    assert any(line.startswith("# code object from ") for line in loaded), loaded
    assert not [line for line in loaded if "stale" in line or "could not" in line], loaded


def walk(root: Path) -> Iterator[Path]:
    for folder, folders, files in os.walk(root):
        if folder == str(root):
            folders[:] = [name for name in folders if name not in ("proc", "sys", "dev")]
        for name in folders + files:
            yield Path(folder, name)


def _inside_site_packages(path: Path) -> bool:
    """Third-party packages may hold folders with these names."""
    return "site-packages" in path.parts


def test_tasks_run_in_the_image_as_in_a_flyte_pod(
    built: tuple[str, str], project: Project, tmp_path: Path
) -> None:
    ref, _ = built
    with project.store.timed("make package"):
        project.make("package")
    (package,) = (project.path / "dist/flyte").glob("*.tgz")
    manifest = json.loads(package.with_suffix(".json").read_text())
    assert manifest["images"] == {"default": ref}  # make image and the launcher agree
    io = tmp_path / "io"
    io.mkdir()
    io.chmod(0o777)  # the task runs as uid 1000 and writes its outputs here
    project.pod_io("job-inputs", str(package), str(io / "launch-plan.pb"))
    bindings = {
        "split_config": ["cfg=/launch-plan.pb:cfg"],
        "prepare_data": ["cfg=/split_config/outputs.pb:data"],
        "train": ["cfg=/split_config/outputs.pb:model", "data=/prepare_data/outputs.pb:o0"],
    }
    with project.store.timed("three tasks in the image"):
        for name, inputs in bindings.items():
            run_as_pod(project, package, name, inputs, io, ref)
    dataset = f"o0={project.package}.data:Dataset"
    shown = project.pod_io("show", str(io / "prepare_data/outputs.pb"), dataset)
    data = json.loads(shown)["o0"]
    expected = manifest["launch_plans"][0]["inputs"]["cfg"]
    n_test = max(1, round(expected["data"]["n_samples"] * expected["data"]["test_fraction"]))
    assert len(data["x_test"]) == len(data["y_test"]) == n_test
    assert len(data["x_train"]) == expected["data"]["n_samples"] - n_test
    shown = project.pod_io("show", str(io / "train/outputs.pb"), "o0=list[float]")
    coefficients = json.loads(shown)["o0"]
    truth = expected["data"]["coefficients"]
    assert len(coefficients) == expected["model"]["degree"] + 1 == len(truth)
    assert all(abs(fitted - true) < 0.2 for fitted, true in zip(coefficients, truth, strict=True))


def run_as_pod(
    project: Project, package: Path, name: str, inputs: list[str], io: Path, ref: str
) -> None:
    """Run task ``name`` like a Flyte pod: its template's command, the flytepropeller
    substitutions, inputs bound from earlier outputs under /flyte, outputs left there too."""
    task = json.loads(project.pod_io("task", str(package), name))
    assert task["image"] == ref
    (io / name).mkdir(mode=0o777)
    (io / name).chmod(0o777)
    bound = [f"{binding.split('=', 1)[0]}={io}{binding.split('=', 1)[1]}" for binding in inputs]
    project.pod_io("inputs", str(io / name / "inputs.pb"), *bound)
    prefix = f"/flyte/{name}"
    values = {
        "input": f"{prefix}/inputs.pb",
        "inputPrefix": prefix,
        "outputPrefix": prefix,
        "rawOutputDataPrefix": "/flyte/raw",
        "checkpointOutputPrefix": f"{prefix}/_checkpoint",
        "prevCheckpointPrefix": "",
    }
    args = [re.sub(r"\{\{\s*\.(\w+)\s*\}\}", lambda m: values[m[1]], arg) for arg in task["args"]]
    assert args[0] == "pyflyte-execute"
    assert args[args.index("task-module") + 1].startswith(f"{project.package}.workflows.")
    ident = task["id"]
    env = {
        "FLYTE_INTERNAL_EXECUTION_ID": "e2e",
        "FLYTE_INTERNAL_EXECUTION_PROJECT": ident["project"],
        "FLYTE_INTERNAL_EXECUTION_DOMAIN": ident["domain"],
        "FLYTE_INTERNAL_TASK_PROJECT": ident["project"],
        "FLYTE_INTERNAL_TASK_DOMAIN": ident["domain"],
        "FLYTE_INTERNAL_TASK_NAME": ident["name"],
        "FLYTE_INTERNAL_TASK_VERSION": ident["version"],
        "FLYTE_ATTEMPT_NUMBER": "0",
        **task["env"],
    }
    store = project.store
    with store.container(ref) as container:
        options = ["--volume", f"{io}:/flyte"]
        options += [item for key, value in env.items() for item in ("--env", f"{key}={value}")]
        result = store.buildah("run", *options, container, "--", *args, check=False)
    assert result.returncode == 0, f"{shlex.join(args)}\n{result.stdout}{result.stderr}"
    assert (io / name / "outputs.pb").is_file(), result.stdout + result.stderr


def test_a_code_change_rebuilds_on_the_cached_dependency_layer(
    built: tuple[str, str], project: Project
) -> None:
    first, _ = built
    model = project.path / "src" / project.package / "model.py"
    model.write_text(model.read_text() + "\n# a code-only change\n")
    with project.store.timed("rebuild after a code change"):
        second, output = project.image()
    assert second != first and second.endswith("-dirty")
    assert "Using cache" in output
    assert not re.search(r"Installed \d{2,} packages", output), "dependencies were reinstalled"
    assert dependency_layer(project.store, first) == dependency_layer(project.store, second)


def dependency_layer(store: Store, ref: str) -> str:
    """The digest of the layer that copies /opt/venv from the dependency stage."""
    image = store.inspect(ref)["OCIv1"]
    layered = [entry for entry in image["history"] if not entry.get("empty_layer")]
    assert len(layered) == len(image["rootfs"]["diff_ids"])
    (index,) = [
        index
        for index, entry in enumerate(layered)
        if entry.get("created_by", "").rstrip().endswith(" in /opt/venv")
    ]
    digest: str = image["rootfs"]["diff_ids"][index]
    return digest
