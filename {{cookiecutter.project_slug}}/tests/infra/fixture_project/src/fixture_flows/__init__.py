"""The launcher tests' fixture pipelines: one workflow file per flytekit construct."""
