"""Flyte tasks and workflows, each workflow with a Hydra entry point (``python <file>.py``)."""
