"""Running a command under a pseudo-terminal, as a user's terminal runs it, and typing into it."""

from __future__ import annotations

import fcntl
import os
import pty
import re
import select
import struct
import subprocess
import termios
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


class Terminal:
    """A process on a pseudo-terminal: ``expect`` waits for text, ``type`` sends a line."""

    def __init__(self, process: subprocess.Popen[bytes], master: int) -> None:
        self.process = process
        self.master = master
        self.transcript = ""
        self.position = 0  # where the last expected text ended

    def _read(self, timeout: float) -> bool:
        """Append what the process wrote within ``timeout`` s; False once it closed the terminal."""
        ready, _, _ = select.select([self.master], [], [], timeout)
        if not ready:
            return True
        try:
            data = os.read(self.master, 4096)
        except OSError:  # the process ended and the terminal closed
            return False
        self.transcript += data.decode("utf-8", "replace").replace("\r\n", "\n")
        return bool(data)

    def expect(self, text: str, timeout: float = 60) -> str:
        """Wait until ``text`` appears after the last expected text, wherever the terminal
        wrapped it (any run of white space matches any other); return what came up to it."""
        pattern = re.compile(r"\s+".join(re.escape(word) for word in text.split()))
        deadline = time.monotonic() + timeout
        while not (found := pattern.search(self.transcript, self.position)):
            if time.monotonic() > deadline or not self._read(0.2):
                raise AssertionError(
                    f"{text!r} never came; the terminal showed:\n{self.transcript}"
                )
        start, self.position = self.position, found.end()
        return self.transcript[start : self.position]

    def type(self, line: str) -> None:
        """Type ``line`` and Enter."""
        os.write(self.master, line.encode() + b"\r")

    def finish(self, timeout: float = 120) -> int:
        """Read to the end; the exit code."""
        deadline = time.monotonic() + timeout
        while self._read(0.2) and time.monotonic() < deadline:
            pass
        return self.process.wait(timeout=max(1.0, deadline - time.monotonic()))


@contextmanager
def terminal(command: list[str], cwd: Path, env: dict[str, str]) -> Iterator[Terminal]:
    """Run ``command`` on a new pseudo-terminal of 50 x 200 characters, without colours."""
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 50, 200, 0, 0))
    env = env | {"TERM": "dumb", "NO_COLOR": "1", "COLUMNS": "200"}
    process = subprocess.Popen(command, cwd=cwd, env=env, stdin=slave, stdout=slave, stderr=slave)
    os.close(slave)
    try:
        yield Terminal(process, master)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
        os.close(master)
