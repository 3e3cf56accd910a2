"""Schedules of the per-job launch plans (infra/flyteadmin/launch_plans.py), checked before the
network."""

import re

import pytest

from infra.errors import LauncherError
from infra.flyteadmin.launch_plans import cron_schedule
from infra.settings.schema import ScheduleConfig


@pytest.mark.parametrize("cron", ["0 6 * * *", "@daily", "*/5 * * * 1-5"])
def test_valid_cron_schedules(cron):
    assert cron_schedule(ScheduleConfig(cron)).cron_schedule.schedule == cron


@pytest.mark.parametrize("cron", ["every day", "0 6 * *", "0 0 6 * * *", "61 * * * *"])
def test_invalid_cron_schedules_are_named(cron):
    with pytest.raises(LauncherError, match=re.escape(f"cron='{cron}' is invalid")):
        cron_schedule(ScheduleConfig(cron))
