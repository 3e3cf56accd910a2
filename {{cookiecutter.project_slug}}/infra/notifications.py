"""Notifications a launch plan sends when an execution ends: email, Slack and PagerDuty."""

from flytekit import Email, PagerDuty, Slack
from flytekit.core.notification import Notification
from flytekit.models.core.execution import WorkflowExecutionPhase

from infra.config import NotificationConfig
from infra.errors import LauncherError

TERMINAL_PHASES = ("SUCCEEDED", "FAILED", "TIMED_OUT", "ABORTED")
_CHANNELS = {"email": Email, "slack": Slack, "pagerduty": PagerDuty}


def notifications(config: NotificationConfig) -> list[Notification]:
    """One notification per channel with recipients, on the configured terminal phases."""
    phases = [_phase(name) for name in config.phases]
    recipients = {channel: getattr(config, channel) for channel in _CHANNELS}
    if any(recipients.values()) and not phases:
        raise LauncherError("hydra.launcher.notifications.phases is empty: name at least one phase")
    return [
        _CHANNELS[channel](phases=phases, recipients_email=list(emails))
        for channel, emails in recipients.items()
        if emails
    ]


def _phase(name: str) -> int:
    """Flyte's number for a terminal phase name (case does not matter)."""
    if name.upper() not in TERMINAL_PHASES:
        raise LauncherError(
            f"notification phase {name!r} is not a terminal phase; use one of "
            f"{', '.join(TERMINAL_PHASES)}"
        )
    return getattr(WorkflowExecutionPhase, name.upper())
