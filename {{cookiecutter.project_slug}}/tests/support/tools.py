"""Stand-in command-line tools (docker, podman, buildah, skopeo) on a private PATH."""

import json
import sys
from pathlib import Path

import pytest


class Tools:
    """A PATH holding only the stand-in tools a test adds with ``add``; every call of a stand-in
    is recorded in ``calls`` as its argument list."""

    def __init__(self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
        self.bin = tmp_path / "bin"
        self.bin.mkdir()
        self.log = tmp_path / "calls.jsonl"
        monkeypatch.setenv("PATH", str(self.bin))

    def add(self, name: str, exit_code: int = 0, output: str = "", info_exit_code: int = 0):
        """A tool that records its arguments, prints ``output`` and exits with ``exit_code``
        (``info`` exits with ``info_exit_code``: docker without its daemon exits 1)."""
        script = self.bin / name
        script.write_text(
            f"#!{sys.executable}\n"
            "import json, sys\n"
            f"with open({str(self.log)!r}, 'a') as log:\n"
            "    log.write(json.dumps(sys.argv[1:]) + '\\n')\n"
            f"code = {info_exit_code} if sys.argv[1:2] == ['info'] else {exit_code}\n"
            f"print({output!r}, file=sys.stderr if code else sys.stdout)\n"
            "sys.exit(code)\n"
        )
        script.chmod(0o755)

    @property
    def calls(self) -> list[list[str]]:
        if not self.log.exists():
            return []
        return [json.loads(line) for line in self.log.read_text().splitlines()]
