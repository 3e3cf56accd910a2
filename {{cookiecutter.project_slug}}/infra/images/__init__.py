"""Container images: their references, the builders that make them and the registries that hold
them, and ``make image``/``make push``. Imports ``infra.settings`` and ``infra.workflow``.

``builders``: Image builders (docker, podman, buildah): which one can run here, and the argument
    lists that build and push an image with it. Commands are argument lists, never shell
    strings; ``run`` echoes each one and stops the launch with its last lines when it fails.
``command``: ``make image`` / ``make push``: build (and push) the images a launch of a workflow
    would, tagged with the version it would use, from its primary config's launcher settings.
``registry``: A container registry, asked whether it has an image: with skopeo, else ``docker
    manifest inspect`` (both use the user's registry login), else the registry's HTTP API,
    anonymously.
``steps``: The container images the tasks run in: their references, and the step that builds,
    pushes or checks them.
"""
