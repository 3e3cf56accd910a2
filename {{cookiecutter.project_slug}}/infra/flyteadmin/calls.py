"""Calls to flyteadmin with a deadline each, and a silent, frozen or dying flyteadmin reported as
one LauncherError naming the endpoint and the call.

The deadline is flytekit's own (``scoped_grpc_deadline``): every gRPC call FlyteRemote makes in
the block, in this thread, gives up after that many seconds with DEADLINE_EXCEEDED, which flytekit
does not retry. flytekit retries UNAVAILABLE three times at once, so a lost connection fails fast.
"""

from collections.abc import Iterator
from contextlib import contextmanager

from flytekit.clients.grpc_utils.deadline_interceptor import (
    get_scoped_grpc_deadline,
    scoped_grpc_deadline,
)
from flytekit.exceptions.system import FlyteSystemException, FlyteSystemUnavailableException
from flytekit.exceptions.user import FlyteTimeout
from flytekit.remote import FlyteRemote

from infra.errors import LauncherError

CALL_TIMEOUT = "hydra.launcher.connection.call_timeout_seconds"


@contextmanager
def call_deadline(seconds: float) -> Iterator[None]:
    """Every call to flyteadmin made in this block fails after ``seconds`` without an answer."""
    with scoped_grpc_deadline(seconds):
        yield


@contextmanager
def calling(remote: FlyteRemote, call: str) -> Iterator[None]:
    """Run a flytekit operation that starts with the gRPC ``call`` (e.g. ``CreateTask for task
    <name>``, or ``GetExecution for <name>``: a poll, that also gets its data and launch plan);
    flyteadmin not answering, or going away, is a LauncherError naming the endpoint and the call."""
    endpoint = remote.config.platform.endpoint
    try:
        yield
    except FlyteTimeout as error:
        limit = get_scoped_grpc_deadline()
        within = f" within {limit:g} s ({CALL_TIMEOUT})" if limit is not None else ""
        raise LauncherError(f"flyteadmin at {endpoint} did not answer {call}{within}") from error
    except FlyteSystemUnavailableException as error:
        raise LauncherError(
            f"flyteadmin at {endpoint} went away during {call}: {_details(error)}"
        ) from error
    except FlyteSystemException as error:
        raise LauncherError(f"flyteadmin at {endpoint} failed {call}: {_details(error)}") from error


def _details(error: Exception) -> str:
    """What gRPC said about the failed call (flytekit keeps it as the cause)."""
    cause = error.__cause__
    if cause is not None and hasattr(cause, "code") and hasattr(cause, "details"):
        return f"{cause.code().name} {cause.details()}"
    return repr(error)
