"""Notifications (infra/notifications.py): only on terminal phases, one per channel."""

import pytest
from flyteidl.core import execution_pb2

from infra.config import NotificationConfig
from infra.errors import LauncherError
from infra.notifications import notifications


def test_notifications_only_on_terminal_phases():
    (email,) = notifications(NotificationConfig(phases=["succeeded"], email=["a@example.com"]))
    assert email.phases == [execution_pb2.WorkflowExecution.SUCCEEDED]
    assert notifications(NotificationConfig()) == []
    with pytest.raises(LauncherError, match="'RUNNING' is not a terminal phase; use one of"):
        notifications(NotificationConfig(phases=["RUNNING"], email=["a@example.com"]))
