"""Ports on 127.0.0.1 for tests of what happens when nothing, or something silent, listens."""

import socket


def free_port() -> int:
    """A port nothing listens on (just closed)."""
    with socket.socket() as probe_socket:
        probe_socket.bind(("127.0.0.1", 0))
        return probe_socket.getsockname()[1]
