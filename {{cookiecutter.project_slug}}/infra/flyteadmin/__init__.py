"""Talking to flyteadmin: the connection, what gets registered (tasks, workflows, launch plans) and
how, the source upload, and executions. Every call has a deadline. Imports ``infra.images``,
``infra.settings`` and ``infra.workflow``.

``calls``: Calls to flyteadmin with a deadline each, and a silent, frozen or dying flyteadmin
    reported as one LauncherError naming the endpoint and the call.
``connection``: Reaching flyteadmin: flytekit's config from the launcher settings, a quick
    reachability check that names the endpoint, a check that the project is there to register
    into, and the FlyteRemote everything else goes through.
``executions``: Executions on Flyte: the inputs that change a launch plan's defaults, starting
    an execution with its console URL logged, and watching executions together until they are
    done.
``launch_plans``: One launch plan per sweep job: the workflow with that job's inputs baked in as
    defaults.
``notifications``: Notifications a launch plan sends when an execution ends: email, Slack and
    PagerDuty.
``registration``: Registering tasks, workflows and launch plans with flyteadmin, all under one
    version.
``serialization``: Tasks, workflows and launch plans as flyteadmin takes them, made with
    flytekit's serializer, with the per-task settings of ``hydra.launcher.tasks`` applied to the
    task templates.
``upload``: Uploading a file through flyteadmin's data proxy, as FlyteRemote.upload_file does,
    with a timeout: flyteadmin gives a signed URL (CreateUploadLocation), the file is PUT there.
"""
