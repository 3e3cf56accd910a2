"""4. Packaging: the launcher's package mode for every workflow against ``pyflyte package``.

Package mode (``python <workflow>.py -m hydra.launcher.mode=package``) writes one Flyte package
per workflow, with one launch plan per sweep job; ``pyflyte --pkgs <pkg>.workflows package``
writes one package with every workflow of the project. Both are checked to hold the same tasks
and workflows before their times are compared.
"""

from __future__ import annotations

import re
import tarfile
from pathlib import Path

from harness import (
    PACKAGE,
    SLUG,
    CheckFailed,
    Context,
    Project,
    Row,
    Sample,
    Section,
    Skipped,
    interleaved,
    median,
    plural,
    ratio,
    run_timed,
    seconds,
    workflow_env,
)

TITLE = "Packaging"
ABOUT = (
    "Offline packaging of every workflow: the launcher's `package` mode "
    "(`python src/<pkg>/workflows/<workflow>.py -m hydra.launcher.mode=package`, one process "
    "per workflow, one job each) against `pyflyte --pkgs <pkg>.workflows package --image <img>` "
    "(one process for all). Both packages are read back and must hold the same tasks and "
    "workflows."
)
WORKFLOWS = ("single_task", "multi_task", "extra_inputs")
IMAGE = f"localhost:30000/{SLUG}:bench"
ENTITY = re.compile(r"^\d+_(?P<name>.+)_(?P<kind>[123])\.pb$")
KINDS = {"1": "task", "2": "workflow", "3": "launch plan"}


def entities(package: Path) -> dict[str, set[str]]:
    """Names in a Flyte package by kind, from its file names (``<n>_<name>_<kind>.pb``)."""
    found: dict[str, set[str]] = {kind: set() for kind in KINDS.values()}
    with tarfile.open(package) as archive:
        for member in archive.getnames():
            match = ENTITY.match(Path(member).name)
            if match:
                found[KINDS[match["kind"]]].add(match["name"])
    return found


def describe(found: dict[str, set[str]]) -> str:
    return ", ".join(plural(len(names), kind) for kind, names in found.items())


def package_mode(
    ctx: Context, project: Project, workflow: str, folder: Path, *overrides: str
) -> tuple[Sample, Path]:
    """One package-mode launch; the sample and the package it wrote (exactly one)."""
    command = [
        project.python,
        project.workflow(workflow),
        "-m",
        "hydra.launcher.mode=package",
        f"hydra.launcher.package_dir={folder}",
        f"hydra.sweep.dir={folder / 'sweep'}",
        *overrides,
    ]
    sample = run_timed(
        command, cwd=project.root, env=workflow_env(ctx.home("packaging")), check=False
    )
    if sample.returncode != 0:
        unavailable = [line for line in sample.output.splitlines() if "not available" in line]
        if unavailable:
            raise Skipped(f"package mode is not available here: {unavailable[-1].strip()}")
        raise CheckFailed(f"package mode of {workflow} failed:\n{sample.output[-2000:]}")
    packages = list(folder.glob("*.tgz"))
    if len(packages) != 1:
        raise CheckFailed(f"package mode of {workflow} wrote {len(packages)} packages in {folder}")
    return sample, packages[0]


def run(ctx: Context) -> Section:
    section = Section("packaging", TITLE, ABOUT)
    project = ctx.project()
    pyflyte = project.root / ".venv" / "bin" / "pyflyte"
    root = ctx.work / "packaging"
    contents: dict[str, dict[str, set[str]]] = {}

    def mode(workflow: str):
        def one(round_: int) -> Sample:
            sample, package = package_mode(ctx, project, workflow, root / f"{workflow}-{round_}")
            contents[workflow] = entities(package)
            return sample

        return one

    def pyflyte_package(round_: int) -> Sample:
        output = root / f"pyflyte-{round_}.tgz"
        command = [pyflyte, "--pkgs", f"{PACKAGE}.workflows", "package", "--image", IMAGE]
        sample = run_timed(
            [*command, "-o", output, "--force"],
            cwd=project.root,
            env=workflow_env(ctx.home("pyflyte")),
        )
        contents["pyflyte"] = entities(output)
        return sample

    ctx.log(f"packaging: {ctx.few} round(s) of package mode x3 and pyflyte package")
    variants = {workflow: mode(workflow) for workflow in WORKFLOWS}
    samples = interleaved(ctx.few, {**variants, "pyflyte": pyflyte_package})

    for workflow in WORKFLOWS:
        found = contents[workflow]
        if found["workflow"] != {f"{PACKAGE}.workflows.{workflow}.pipeline"}:
            raise CheckFailed(f"package mode of {workflow} packaged workflows {found['workflow']}")
        if len(found["launch plan"]) < 1 or not found["task"]:
            raise CheckFailed(f"package mode of {workflow} packaged {describe(found)}")
    ours = {
        kind: set().union(*(contents[w][kind] for w in WORKFLOWS)) for kind in ("task", "workflow")
    }
    theirs = {kind: contents["pyflyte"][kind] for kind in ("task", "workflow")}
    if ours != theirs:
        raise CheckFailed(f"the packages differ: package mode {ours}, pyflyte {theirs}")

    walls = {name: median(s.wall for s in runs) for name, runs in samples.items()}
    total = median(sum(samples[w][i].wall for w in WORKFLOWS) for i in range(ctx.few))
    for workflow in WORKFLOWS:
        section.rows.append(
            Row(
                f"package mode: {workflow}",
                seconds(walls[workflow]),
                ratio(walls[workflow], walls["pyflyte"], "pyflyte"),
                describe(contents[workflow]),
            )
        )
    section.rows.append(
        Row(
            "package mode: all three",
            seconds(total),
            ratio(total, walls["pyflyte"], "pyflyte"),
            "three processes, one package each",
        )
    )
    section.rows.append(
        Row(
            "pyflyte package (all workflows)",
            seconds(walls["pyflyte"]),
            "1.00x pyflyte",
            describe(contents["pyflyte"]),
        )
    )
    section.notes += [
        f"{ctx.few} round(s), alternated; medians.",
        f"Same content: the package-mode packages hold {len(ours['task'])} distinct tasks and "
        f"{len(ours['workflow'])} workflows between them, exactly those of pyflyte's package. "
        "Package mode adds the launch plan of each sweep job (config baked in as default "
        "inputs) next to the workflow's default launch plan.",
        "Each package-mode run is a separate process (one workflow each), so it pays Python, "
        "Hydra and flytekit start-up once per workflow; pyflyte packages all in one process.",
    ]
    return section
