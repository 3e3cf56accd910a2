"""Which hosts are this machine: the one rule for plain-text connections (gRPC to a local
flyteadmin, HTTP to a local registry, as Flyte's sandbox serves them)."""

import re

THIS_MACHINE = re.compile(r"(localhost|127(\.\d{1,3}){3}|\[::1\])(:\d{1,5})?")


def is_this_machine(host: str) -> bool:
    """``localhost``, any 127.x.x.x address or ``[::1]``, with or without a ``:port``."""
    return THIS_MACHINE.fullmatch(host) is not None
