"""6. Images: the baked project's image built with its own `make image`, then rebuilt after a
code-only change.

The approach of the template's image test (tests/test_image.py): no Docker engine and no registry
pull here, so a Python base image is made from Debian packages (mmdebstrap, untimed) and passed
as the Dockerfile's ``BASE_IMAGE`` build argument; buildah builds with chroot isolation into a
private store (overlay where the kernel allows it), deleted afterwards; pip and uv inside the
build get this machine's CA bundle through build options (harness plumbing, not Dockerfile
content). Both images are checked by running Python inside them.
"""

from __future__ import annotations

import json
import os
import re
import shlex
import shutil
import uuid
from dataclasses import dataclass
from pathlib import Path

from harness import (
    PACKAGE,
    CheckFailed,
    Context,
    Row,
    Sample,
    Section,
    Skipped,
    bake,
    make_install,
    median,
    ratio,
    run_timed,
    seconds,
    workflow_env,
)

TITLE = "Images"
ABOUT = (
    "The baked project's `make image` (the launcher's image step: `buildah build --layers` of "
    "its Dockerfile) on a Python base image made from Debian packages: the image's size, a full "
    "build (nothing cached but the base image; uv downloads the dependencies inside the build), "
    f"and a rebuild after a code-only change (one line appended to `src/{PACKAGE}/model.py`), "
    "which must reuse the dependency layer and carry the new code."
)
PYTHON = "3.11"  # Debian bookworm's python3: the project must be baked for it
BASE = f"localhost/hft-bench-base:{PYTHON}-bookworm"
BASE_PACKAGES = ("passwd", "libstdc++6", "python3", "python3-venv", "ca-certificates")
DEFAULT_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
CA_BUNDLE = Path("/etc/ssl/certs/ca-certificates.crt")
BUILT = re.compile(r"^default: (\S+) \(built here", re.M)
CHECK = (  # run inside an image: import a workflow, print the code change's marker
    f"import {PACKAGE}.workflows.multi_task, {PACKAGE}.model as m; "
    "print(getattr(m, 'BENCH_MARKER', 'none'))"
)
POD_START = (  # run inside an image: an untimed import, then the fastest of 5, each in a new python
    "import subprocess, sys, time\n"
    f"command = [sys.executable, '-c', 'import {PACKAGE}.workflows.multi_task']\n"
    "def once():\n"
    "    start = time.perf_counter()\n"
    "    subprocess.run(command, check=True)\n"
    "    return time.perf_counter() - start\n"
    "once()\n"
    "print(min(once() for _ in range(5)))"
)
SITE = "/opt/venv/lib/python3*/site-packages"
REMOVE_PROJECT_BYTECODE = "find {} -name __pycache__ -prune -exec rm -rf {{}} +".format(
    " ".join(f"{SITE}/{name}" for name in (PACKAGE, "infra", "hydra_plugins"))
)


@dataclass
class Store:
    """A private buildah store; ``env`` points buildah (and `make image`) at it."""

    root: Path
    driver: str
    env: dict[str, str]

    @classmethod
    def create(cls, root: Path, driver: str) -> Store:
        root.mkdir(parents=True, exist_ok=True)
        config = root / "storage.conf"
        config.write_text(
            f'[storage]\ndriver = "{driver}"\n'
            f'graphroot = "{root / "graph"}"\nrunroot = "{root / "run"}"\n'
        )
        env = {**os.environ, "CONTAINERS_STORAGE_CONF": str(config), "BUILDAH_ISOLATION": "chroot"}
        return cls(root, driver, env)

    def buildah(self, *args: str | Path, check: bool = True) -> Sample:
        return run_timed(["buildah", *args], cwd=self.root, env=self.env, check=check)

    def works(self) -> bool:
        probe = self.buildah("from", "--quiet", "scratch", check=False)
        if probe.returncode == 0:
            self.buildah("rm", probe.output.strip().splitlines()[-1])
        return probe.returncode == 0

    def import_base(self, rootfs: Path) -> None:
        """The base image from a root file system tarball, as the image test makes it."""
        container = self.buildah("from", "--quiet", "scratch").output.strip().splitlines()[-1]
        self.buildah("add", "--quiet", container, rootfs, "/")
        environment = ["--env", "LANG=C.UTF-8", "--env", f"PATH={DEFAULT_PATH}"]
        self.buildah("config", *environment, "--cmd", "python3", container)
        self.buildah("commit", "--quiet", "--rm", container, BASE)

    def python(self, image: str, code: str) -> str:
        """``python -c code`` inside ``image``, as its user; the last line it printed."""
        container = self.buildah("from", "--pull=never", "--quiet", image).output.split()[-1]
        try:
            output = self.buildah("run", container, "--", "python", "-c", code).output
            return output.strip().splitlines()[-1]
        finally:
            self.buildah("rm", container, check=False)

    def pod_start(self, image: str, rounds: int = 3) -> tuple[float, float]:
        """Seconds to start python and import a workflow in ``image`` (PYTHONDONTWRITEBYTECODE is
        set there): as built, and with the project's bytecode deleted (as images were before the
        project was byte-compiled). Two containers, measured in turns; the fastest of each."""
        containers = [
            self.buildah("from", "--pull=never", "--quiet", image).output.split()[-1]
            for _ in range(2)
        ]
        try:
            compiled, uncompiled = containers
            self.buildah(
                "run", "--user", "0:0", uncompiled, "--", "sh", "-c", REMOVE_PROJECT_BYTECODE
            )
            times: dict[str, list[float]] = {compiled: [], uncompiled: []}
            for _ in range(rounds):
                for container in containers:
                    output = self.buildah("run", container, "--", "python", "-c", POD_START).output
                    times[container].append(float(output.split()[-1]))
        finally:
            for container in containers:
                self.buildah("rm", container, check=False)
        return min(times[compiled]), min(times[uncompiled])

    def size_mb(self, image: str) -> float:
        """The image's size as buildah lists it (its layers, uncompressed)."""
        listed = self.buildah("images", "--json", image).output
        return parse_size(json.loads(listed[listed.index("[") :])[0]["size"])

    def venv_layer(self, image: str) -> str | None:
        """Digest of the layer that copies /opt/venv (the dependencies) into the image."""
        inspected = json.loads(self.buildah("inspect", "--type", "image", image).output)["OCIv1"]
        layered = [entry for entry in inspected["history"] if not entry.get("empty_layer")]
        for index, entry in enumerate(layered):
            if entry.get("created_by", "").rstrip().endswith(" in /opt/venv"):
                return inspected["rootfs"]["diff_ids"][index]
        return None

    def remove(self) -> None:
        self.buildah("rm", "--all", check=False)
        self.buildah("rmi", "--all", "--force", check=False)
        shutil.rmtree(self.root, ignore_errors=True)


def parse_size(text: str) -> float:
    """'378 MB' (buildah's decimal units) in MB."""
    number, unit = re.fullmatch(r"([\d.]+)\s*([kKMG]?B)", text.strip()).groups()
    return float(number) * {"B": 1e-6, "kB": 1e-3, "KB": 1e-3, "MB": 1, "GB": 1e3}[unit]


def change_code(project: Path) -> str:
    """A code-only change: one line appended to the package's model module; its marker."""
    marker = uuid.uuid4().hex
    with (project / "src" / PACKAGE / "model.py").open("a") as stream:
        stream.write(f'\nBENCH_MARKER = "{marker}"\n')
    return marker


def image_overrides(folder: Path) -> list[str]:
    """`make image` OVERRIDES: buildah, the Debian base, and this machine's CA for the build."""
    options: list[str] = []
    if CA_BUNDLE.is_file():
        (folder / "pip.conf").write_text(f"[global]\ncert = {CA_BUNDLE}\n")
        (folder / "uv.toml").write_text("system-certs = true\n")
        options += ["-v", f"{folder / 'pip.conf'}:/etc/pip.conf:ro"]
        options += ["-v", f"{folder / 'uv.toml'}:/etc/uv/uv.toml:ro"]
        options += ["-v", f"{CA_BUNDLE.parent}:{CA_BUNDLE.parent}:ro"]
    return [
        "hydra.launcher.builder=buildah",
        f"+hydra.launcher.images.default.build_args.BASE_IMAGE={BASE}",
        f"hydra.launcher.images.default.build_options={json.dumps(options)}",
    ]


def make_image(project: Path, store: Store, overrides: list[str], home: Path) -> tuple[Sample, str]:
    """The project's own `make image`; the timed process and the reference it built."""
    env = {
        **workflow_env(home),
        **{k: store.env[k] for k in ("CONTAINERS_STORAGE_CONF", "BUILDAH_ISOLATION")},
    }
    command = ["make", "--no-print-directory", "-C", project, "image"]
    sample = run_timed([*command, f"OVERRIDES={shlex.join(overrides)}"], cwd=project, env=env)
    refs = BUILT.findall(sample.output)
    if len(refs) != 1:
        raise CheckFailed(f"`make image` named {len(refs)} built images:\n{sample.output[-2000:]}")
    return sample, refs[0]


def prerequisites(ctx: Context, folder: Path) -> tuple[Path, str]:
    """The project to build and a storage driver that works here; Skipped if none."""
    missing = [tool for tool in ("buildah", "mmdebstrap") if not shutil.which(tool)]
    if missing:
        raise Skipped(f"no image builder here: {' and '.join(missing)} not installed")
    project, _ = bake(folder / "bake")  # its own project: the code change stays there
    if not (project / "Dockerfile").is_file():
        raise Skipped("the baked project has no Dockerfile")
    answers = json.loads((project / ".cookiecutter.json").read_text())
    if answers.get("python_version") != PYTHON:
        raise Skipped(f"the default python_version is not {PYTHON}, Debian bookworm's python3")
    for driver in ("overlay", "vfs"):
        if Store.create(folder / f"probe-{driver}", driver).works():
            break
    else:
        raise Skipped("buildah can use neither an overlay nor a vfs store here")
    if driver == "vfs" and not os.environ.get("BENCH_IMAGES_VFS"):
        raise Skipped(
            "only buildah's vfs store works here, where a full build copies every layer and "
            "takes minutes; set BENCH_IMAGES_VFS=1 to run it anyway"
        )
    ctx.log("images: installing the project (make install, untimed)")
    make_install(project)
    return project, driver


def run(ctx: Context) -> Section:
    section = Section("images", TITLE, ABOUT)
    folder = ctx.work / "images"
    folder.mkdir(parents=True, exist_ok=True)
    project, driver = prerequisites(ctx, folder)
    ctx.log("images: a Python base file system from Debian packages (mmdebstrap, untimed)")
    rootfs = folder / "rootfs.tar"
    command = ["mmdebstrap", "--quiet", "--variant=essential"]
    command += [f"--include={','.join(BASE_PACKAGES)}"]
    command += [f"--dpkgopt=path-exclude=/usr/share/{name}/*" for name in ("doc", "man", "locale")]
    run_timed([*command, "bookworm", rootfs], cwd=folder, timeout=900)
    overrides = image_overrides(folder)
    home = ctx.home("images")

    rounds = 1 if ctx.smoke else max(1, ctx.repeats // 5)
    full, rebuild, sizes, starts = [], [], [], []
    for round_ in range(rounds):
        # A fresh store per round: the full build finds no cached layer but the base image's.
        store = Store.create(folder / f"store-{round_}", driver)
        try:
            store.import_base(rootfs)
            base_size = store.size_mb(BASE)
            ctx.log(f"images: full build (make image), round {round_ + 1} of {rounds}")
            first, first_ref = make_image(project, store, overrides, home)
            sizes.append(store.size_mb(first_ref))
            before = store.python(first_ref, CHECK)
            starts.append(store.pod_start(first_ref, rounds=1 if ctx.smoke else 3))
            marker = change_code(project)
            ctx.log(f"images: rebuild after a code-only change, round {round_ + 1}")
            second, second_ref = make_image(project, store, overrides, home)
            after = store.python(second_ref, CHECK)
            layers = store.venv_layer(first_ref), store.venv_layer(second_ref)
        finally:
            store.remove()
        if second_ref == first_ref:
            raise CheckFailed(f"the code change did not change the image's tag ({first_ref})")
        if after != marker:
            raise CheckFailed(
                f"the rebuilt image does not carry the code change: {PACKAGE}.model in it has "
                f"marker {after!r} (before the change: {before!r}), expected {marker!r}; a layer "
                "that depends on the changed code was taken from the cache"
            )
        if None in layers or layers[0] != layers[1]:
            raise CheckFailed(f"the rebuild did not reuse the dependency layer: {layers}")
        full.append(first.wall)
        rebuild.append(second.wall)

    full_s, rebuild_s = median(full), median(rebuild)
    compiled_s, uncompiled_s = median(s[0] for s in starts), median(s[1] for s in starts)
    section.rows += [
        Row(
            "image size",
            f"{median(sizes):.0f} MB",
            "",
            f"of which the base image (Debian bookworm, python3): {base_size:.0f} MB",
        ),
        Row("full build", seconds(full_s), "1.00x full", "`make image`; only the base cached"),
        Row(
            "rebuild after a code-only change",
            seconds(rebuild_s),
            ratio(rebuild_s, full_s, "full"),
            "`make image`; same /opt/venv layer, new code checked inside",
        ),
        Row(
            "pod start: python + import a workflow",
            seconds(compiled_s),
            "1.00x compiled",
            "in the image as built: dependencies and project byte-compiled",
        ),
        Row(
            "pod start, project not byte-compiled",
            seconds(uncompiled_s),
            ratio(uncompiled_s, compiled_s, "compiled"),
            "the same image with the project's __pycache__ deleted (images before the fix)",
        ),
    ]
    section.notes += [
        f"{rounds} build(s) of each kind (BENCH_REPEATS >= 10 for more); medians. buildah "
        f"store driver: {driver}.",
        "The base image is made from Debian packages with mmdebstrap, as the image test does "
        "(no registry can be pulled from here); making it is not part of the timings.",
        "The full build downloads the project's dependencies inside the build (uv, no cache), so "
        "it includes the network; the rebuild downloads nothing. Both include `make image`'s own "
        "start-up (Python, Hydra) and the Dockerfile's import check of every workflow module.",
    ]
    return section
