"""Helpers of the project's tests: finding the project's parts, running its scripts, reading
Flyte literals, a stand-in flyteadmin (``flyteadmin.py``, applying flyteadmin's rules from
``admin_rules.py`` and ``flyte_types.py``) and a Hydra callback that records job returns
(``job_returns.py``)."""
