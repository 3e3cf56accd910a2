"""What each ``hydra.launcher.mode`` does with a sweep (``local``, ``package``, ``remote``), the
launch they share, and ``make execute``. The top of the stack: imports every other sub-package.

``execute``: ``make execute``: run a launch plan or workflow already registered on Flyte, with
    new inputs and config overrides.
``launch``: What a package or a cluster launch registers, worked out offline and checked before
    any image build or network call: the workflow, each job's inputs and launch plan, version,
    images, per-task settings.
``local``: ``mode=local``: run each sweep job's workflow on this machine, through the same
    discovery and binding as a cluster launch, so a sweep that works here is wired right for
    Flyte too.
``package``: ``mode=package``: write what a cluster launch would register, offline (no Docker,
    no cluster).
``remote``: ``mode=remote``: build and push the images, register everything once under one
    version, then start one execution per sweep job from that job's launch plan; with ``wait``,
    watch them all together and return their outputs.
"""
