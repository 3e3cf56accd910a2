"""``make image`` / ``make push``: build (and push) the images a launch of a workflow would,
tagged with the version it would use, from its primary config's launcher settings.

    python -m infra.images.command --workflow <package>.workflows.<file> [--push] [overrides]
"""

import argparse
import logging
import sys
from collections.abc import Sequence

from infra.errors import LauncherError
from infra.images.steps import image_refs, prepare_images
from infra.settings.load import compose_primary, import_workflow, launch_version, launcher_settings
from infra.workflow.discovery import project_root


def main(argv: Sequence[str] | None = None) -> int:
    """Build (and push) the images; print their references. Exit 1 on a clear error."""
    parser = argparse.ArgumentParser(
        prog="python -m infra.images.command", description=__doc__.split("\n\n")[0]
    )
    parser.add_argument("--push", action="store_true", help="push the images after building")
    parser.add_argument(
        "--workflow", required=True, help="the workflow module, e.g. <package>.workflows.<file>"
    )
    parser.add_argument("overrides", nargs="*", help="e.g. hydra.launcher.builder=podman")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    try:
        module = import_workflow(args.workflow)
        config = compose_primary(module, args.overrides)
        settings = launcher_settings(config)
        settings.build, settings.push = True, args.push
        refs = image_refs(settings, launch_version(module, config, settings))
        prepare_images(settings, refs, project_root(module))
    except LauncherError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    for name, ref in refs.items():
        print(f"{name}: {ref}{'' if args.push else ' (built here, not pushed)'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
