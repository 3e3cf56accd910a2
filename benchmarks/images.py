"""6. Images: the baked project's Dockerfile built with buildah, then rebuilt after a code change.

No Docker engine and no registry pulls here: a Python base image is made from Debian packages
(mmdebstrap, untimed) and passed as the Dockerfile's ``BASE_IMAGE`` build argument, as the
template's image test does. Builds run with ``--isolation chroot`` in a private storage folder that
is deleted afterwards. The full build starts from the base image alone; the rebuild follows a
code-only change (one line appended to a module) and must reuse the dependency layer. Both
images are checked by running Python inside them.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import uuid
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
    median,
    ratio,
    run_timed,
    seconds,
)

TITLE = "Images"
ABOUT = (
    "`buildah build --layers` of the baked project's Dockerfile on a Debian-made Python base "
    "image: size of the image, a full build (every stage, dependencies downloaded by uv inside "
    "the build), and a rebuild after a code-only change (one line appended to "
    f"`src/{PACKAGE}/model.py`), which must reuse the dependency layer and carry the new code."
)
BASE = "localhost/hft-bench-base:latest"
CA_BUNDLE = Path("/etc/ssl/certs/ca-certificates.crt")
# Harness plumbing, not Dockerfile content: where the machine's TLS goes through a proxy, pip and
# uv inside the build need the host's CA bundle (mounted with -v) and to be told to use it.
BASE_DOCKERFILE = f"""FROM scratch
ADD rootfs.tar /
ENV PIP_CERT={CA_BUNDLE} SSL_CERT_FILE={CA_BUNDLE}
CMD ["/bin/bash"]
"""
DEPS_STEP = re.compile(r"STEP \d+/\d+: RUN .*uv sync")
CHECK = (  # run inside an image: import a workflow, print the code change's marker
    f"import {PACKAGE}.workflows.multi_task, {PACKAGE}.model as m; "
    "print(getattr(m, 'BENCH_MARKER', 'none'))"
)


class Buildah:
    """buildah on a private storage folder with one storage driver."""

    def __init__(self, folder: Path, driver: str) -> None:
        self.folder = folder
        self.driver = driver
        self.prefix = [
            "buildah",
            "--root",
            str(folder / "root"),
            "--runroot",
            str(folder / "runroot"),
            "--storage-driver",
            driver,
        ]

    def __call__(self, *args: str | Path, cwd: Path, timeout: float = 900) -> Sample:
        return run_timed([*self.prefix, *args], cwd=cwd, timeout=timeout)

    def build(self, context: Path, tag: str, *args: str) -> Sample:
        mounts = ["-v", f"{CA_BUNDLE.parent}:{CA_BUNDLE.parent}:ro"] if CA_BUNDLE.is_file() else []
        return self(
            "build",
            "--isolation",
            "chroot",
            "--layers",
            *mounts,
            *args,
            "-t",
            tag,
            context,
            cwd=context,
        )

    def python(self, image: str, code: str) -> str:
        """Run ``python -c code`` inside ``image`` (as its user); its output."""
        container = self("from", "--quiet", image, cwd=self.folder).output.strip().splitlines()[-1]
        try:
            command = ("run", "--isolation", "chroot", container, "--", "python", "-c", code)
            return self(*command, cwd=self.folder).output.strip()
        finally:
            self("rm", container, cwd=self.folder)

    def size_mb(self, image: str) -> float:
        """The image's size as buildah reports it (the sum of its layers, uncompressed)."""
        listed = self("images", "--json", image, cwd=self.folder).output
        return _parse_size(json.loads(listed[listed.index("[") :])[0]["size"])

    def remove_all(self) -> None:
        for args in (("rm", "--all"), ("rmi", "--all", "--force")):
            run_timed([*self.prefix, *args], cwd=self.folder, check=False)
        shutil.rmtree(self.folder, ignore_errors=True)


def _parse_size(text: str) -> float:
    """'378 MB' (buildah's decimal units) in MB."""
    number, unit = re.fullmatch(r"([\d.]+)\s*([kKMG]?B)", text.strip()).groups()
    return float(number) * {"B": 1e-6, "kB": 1e-3, "KB": 1e-3, "MB": 1, "GB": 1e3}[unit]


def dependency_layer_reused(log: str) -> bool | None:
    """Whether buildah took the dependency step (``RUN ... uv sync``) from its cache; None when
    the Dockerfile has no such step."""
    lines = log.splitlines()
    steps = [i for i, line in enumerate(lines) if DEPS_STEP.search(line)]
    if not steps:
        return None
    following = lines[steps[-1] + 1 : steps[-1] + 2]
    return bool(following) and "Using cache" in following[0]


def storage_driver(folder: Path) -> str:
    """overlay when this machine can mount it (fast), else vfs (copies every layer: minutes)."""
    probe = Buildah(folder / "probe", "overlay")
    result = run_timed([*probe.prefix, "from", "scratch"], cwd=folder, check=False)
    probe.remove_all()
    return "overlay" if result.returncode == 0 else "vfs"


def reuse_note(reused: list[bool | None]) -> str:
    if None in reused:
        return "new code checked inside; no `uv sync` step found to check for reuse"
    return "dependency layer (uv sync) reused; new code checked inside"


def change_code(project: Path) -> str:
    """A code-only change: one line appended to the package's model module; its marker."""
    marker = uuid.uuid4().hex
    with (project / "src" / PACKAGE / "model.py").open("a") as stream:
        stream.write(f'\nBENCH_MARKER = "{marker}"\n')
    return marker


def run(ctx: Context) -> Section:
    section = Section("images", TITLE, ABOUT)
    missing = [tool for tool in ("buildah", "mmdebstrap") if not shutil.which(tool)]
    if missing:
        raise Skipped(f"no image builder here: {' and '.join(missing)} not installed")
    folder = ctx.work / "images"
    folder.mkdir(parents=True, exist_ok=True)
    project, _ = bake(folder / "bake")  # its own project: the code change stays here
    if not (project / "Dockerfile").is_file():
        raise Skipped("the baked project has no Dockerfile")
    driver = storage_driver(folder)
    if driver == "vfs" and not os.environ.get("BENCH_IMAGES_VFS"):
        raise Skipped(
            "only buildah's vfs storage works here, where a full build copies every layer and "
            "takes minutes; set BENCH_IMAGES_VFS=1 to run it anyway"
        )
    ctx.log("images: making a Python base filesystem from Debian packages (untimed)")
    base = folder / "base"
    base.mkdir()
    include = "--include=python3,python3-venv,ca-certificates"
    run_timed(
        ["mmdebstrap", "--quiet", "--variant=apt", include, "bookworm", base / "rootfs.tar"],
        cwd=folder,
    )
    (base / "Dockerfile").write_text(BASE_DOCKERFILE)
    build_arg = ("--build-arg", f"BASE_IMAGE={BASE}")

    rounds = 1 if ctx.smoke else max(1, ctx.repeats // 5)
    full, rebuild, sizes, reused = [], [], [], []
    for round_ in range(rounds):
        # A fresh storage folder per round: the full build finds no cached layer but the base.
        buildah = Buildah(folder / f"storage-{round_}", driver)
        try:
            buildah.build(base, BASE)
            base_size = buildah.size_mb(BASE)
            ctx.log(f"images: full build, round {round_ + 1} of {rounds}")
            first = buildah.build(project, "localhost/bench:full", *build_arg)
            sizes.append(buildah.size_mb("localhost/bench:full"))
            before = buildah.python("localhost/bench:full", CHECK).splitlines()[-1]
            marker = change_code(project)
            ctx.log(f"images: rebuild after a code-only change, round {round_ + 1}")
            second = buildah.build(project, "localhost/bench:code", *build_arg)
            after = buildah.python("localhost/bench:code", CHECK).splitlines()[-1]
        finally:
            buildah.remove_all()
        if after != marker:
            raise CheckFailed(
                f"the rebuilt image does not carry the code change: {PACKAGE}.model in it has "
                f"marker {after!r} (before the change: {before!r}), expected {marker!r}; a layer "
                "that depends on the changed code was taken from the cache"
            )
        full.append(first.wall)
        rebuild.append(second.wall)
        reused.append(dependency_layer_reused(second.output))
    if False in reused:
        raise CheckFailed("the rebuild after a code-only change re-ran the dependency step")

    full_s, rebuild_s = median(full), median(rebuild)
    section.rows += [
        Row(
            "image size",
            f"{median(sizes):.0f} MB",
            "",
            f"base image alone: {base_size:.0f} MB (Debian bookworm + python3)",
        ),
        Row("full build", seconds(full_s), "1.00x full", "from the base image, nothing cached"),
        Row(
            "rebuild after a code-only change",
            seconds(rebuild_s),
            ratio(rebuild_s, full_s, "full"),
            reuse_note(reused),
        ),
    ]
    section.notes += [
        f"{rounds} build(s) of each kind (BENCH_REPEATS >= 10 for more); medians. Storage "
        f"driver: {driver}.",
        "The base image is made here from Debian packages with mmdebstrap (no registry can be "
        "pulled from on this machine); making it is not part of the timings.",
        "The full build downloads the project's dependencies inside the build (uv, no cache), so "
        "it depends on the network; the rebuild downloads nothing.",
    ]
    return section
