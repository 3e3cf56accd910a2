"""What the launcher is told: the ``hydra.launcher`` schema, loading it for every entry point, and
the checks every setting passes offline, before any build or network call. Imports
``infra.workflow``.

``checks``: The launcher's settings checked as soon as they are loaded, before any build or
    network call.
``hosts``: Which hosts are this machine: the one rule for plain-text connections (gRPC to a
    local flyteadmin, HTTP to a local registry, as Flyte's sandbox serves them).
``load``: A launch's settings, loaded one way for every entry point.
``resources``: Task resources checked by the rules flyteadmin applies when a task is registered
    (flyteadmin/pkg/manager/impl/validation/task_validator.go), so a bad value fails here,
    offline.
``rules``: What a Flyte id, an endpoint, an image reference, an email address, a number of
    seconds and a Kubernetes quantity must look like.
``schema``: Typed settings of the launcher, as read from ``hydra.launcher``
    (``conf/hydra/launcher/``).
``tasks``: Per-task settings from ``hydra.launcher.tasks``: which task each entry means, its
    values checked offline, and what they change in the task's serialized template.
``versioning``: The one version shared by images, tasks, workflows and launch plans of a launch.
"""
