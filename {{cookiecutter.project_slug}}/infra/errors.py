"""The one exception the launcher raises for anything the user can fix."""


class LauncherError(Exception):
    """A misconfiguration or failure explained in plain words; Hydra prints the message."""


def last_line(text: str) -> str:
    """The last non-blank line of a tool's output: usually the one that says what went wrong."""
    lines = [line.strip() for line in text.strip().splitlines() if line.strip()]
    return lines[-1] if lines else ""
