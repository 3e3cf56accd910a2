"""Notifications (infra/flyteadmin/notifications.py): one per channel, on the configured phases
(infra/settings/checks.py refuses phases that are not terminal)."""

from flyteidl.core import execution_pb2

from infra.flyteadmin.notifications import notifications
from infra.settings.schema import NotificationConfig


def test_notifications_only_on_terminal_phases():
    (email,) = notifications(NotificationConfig(phases=["succeeded"], email=["a@example.com"]))
    assert email.phases == [execution_pb2.WorkflowExecution.SUCCEEDED]
    assert notifications(NotificationConfig()) == []
