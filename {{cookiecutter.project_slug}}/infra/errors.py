"""The one exception the launcher raises for anything the user can fix."""


class LauncherError(Exception):
    """A misconfiguration or failure explained in plain words; Hydra prints the message."""
