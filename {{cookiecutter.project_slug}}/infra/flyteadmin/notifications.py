"""Notifications a launch plan sends when an execution ends: email, Slack and PagerDuty.

The phases and addresses were checked when the settings were loaded (infra/settings/checks.py)."""

from flytekit import Email, PagerDuty, Slack
from flytekit.core.notification import Notification
from flytekit.models.core.execution import WorkflowExecutionPhase

from infra.settings.schema import NotificationConfig

_CHANNELS = {"email": Email, "slack": Slack, "pagerduty": PagerDuty}


def notifications(config: NotificationConfig) -> list[Notification]:
    """One notification per channel with recipients, on the configured terminal phases."""
    phases = [getattr(WorkflowExecutionPhase, name.upper()) for name in config.phases]
    recipients = {channel: getattr(config, channel) for channel in _CHANNELS}
    return [
        _CHANNELS[channel](phases=phases, recipients_email=list(emails))
        for channel, emails in recipients.items()
        if emails
    ]
