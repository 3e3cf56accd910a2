"""Hydra plugin package of the project's Flyte launcher (see flyte_launcher.py)."""
