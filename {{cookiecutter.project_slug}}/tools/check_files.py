"""File hygiene: the checks of pre-commit-hooks in .pre-commit-config.yaml, without pre-commit.

`make lint` runs this file, so the checks work offline and outside a git repository (pre-commit
fetches its hooks from GitHub first). Each check is named by the id of the pre-commit hook it
mirrors; tests/test_lint_config.py fails when the two lists differ. pre-commit fixes what it can
on commit; this only reports: `path:line: problem (hook id)`.

Files checked: when the project is a git repository, the tracked files and the untracked ones git
does not ignore; otherwise every file under the project root except what .gitignore names (read
simply: folder names, file names and `*` patterns). Unlike pre-commit, every file is checked, not
only the staged ones.
"""

import fnmatch
import os
import subprocess
import sys
from pathlib import Path

import yaml

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10: pytest brings tomli, the same parser
    import tomli as tomllib

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # run by path (make lint, pre-commit): the project's infra/
from infra.workflow.secret_files import holds_private_key as holds_key  # noqa: E402

MAX_KB = 500  # check-added-large-files' default
WHITESPACE = b" \t\x0b\x0c"
Problem = tuple[int | None, str]  # (line number or None for the whole file, what is wrong)


def trailing_whitespace(path: Path, data: bytes) -> list[Problem]:
    """No line ends with spaces or tabs (line endings themselves are fine)."""
    if not is_text(data):
        return []
    lines = data.split(b"\n")
    return [
        (number, "trailing whitespace")
        for number, line in enumerate(lines, start=1)
        if line.rstrip(b"\r") != line.rstrip(b"\r").rstrip(WHITESPACE)
    ]


def end_of_file(path: Path, data: bytes) -> list[Problem]:
    """A non-empty file ends with exactly one newline."""
    if not data or not is_text(data):
        return []
    if not data.endswith(b"\n"):
        return [(None, "no newline at end of file")]
    if not data.rstrip(b"\r\n"):
        return [(None, "only line breaks")]
    stripped = data.rstrip(b"\r\n")
    ending = data[len(stripped) :]
    if ending not in (b"\n", b"\r\n"):
        return [(None, "blank lines at end of file")]
    return []


def check_yaml(path: Path, data: bytes) -> list[Problem]:
    """YAML files parse (one document each, safe tags only)."""
    if path.suffix not in {".yaml", ".yml"}:
        return []
    try:
        yaml.safe_load(data)
    except yaml.YAMLError as error:
        return [(None, " ".join(str(error).split()))]
    return []


def check_toml(path: Path, data: bytes) -> list[Problem]:
    """TOML files parse."""
    if path.suffix != ".toml":
        return []
    try:
        tomllib.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
        return [(None, " ".join(str(error).split()))]
    return []


def large_files(path: Path, data: bytes) -> list[Problem]:
    """No file is larger than MAX_KB (keep data and models out of git)."""
    size_kb = len(data) / 1024
    return [(None, f"{size_kb:.0f} KB, more than {MAX_KB} KB")] if size_kb > MAX_KB else []


def private_key(path: Path, data: bytes) -> list[Problem]:
    """No file holds a private key, whatever its name (infra/workflow/secret_files.py): .gitignore
    keeps the secret names out of git, this the keys under other names."""
    return [(None, "holds a private key: keep it out of the project")] if holds_key(path) else []


CHECKS = {
    "trailing-whitespace": trailing_whitespace,
    "end-of-file-fixer": end_of_file,
    "check-yaml": check_yaml,
    "check-toml": check_toml,
    "check-added-large-files": large_files,
    "detect-private-key": private_key,
}


def is_text(data: bytes) -> bool:
    """Text, as pre-commit's file classification sees it: no NUL byte, valid UTF-8."""
    if b"\0" in data:
        return False
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def git_files(root: Path) -> list[Path] | None:
    """Tracked and untracked-but-not-ignored files; None unless ``root`` is a repository's top."""
    try:
        top = subprocess.run(
            ["git", "rev-parse", "--show-toplevel"], cwd=root, capture_output=True, check=True
        ).stdout
        if Path(top.decode("utf-8").strip()).resolve() != root.resolve():
            return None
        listing = subprocess.run(
            ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
            cwd=root,
            capture_output=True,
            check=True,
        ).stdout
    except (OSError, subprocess.CalledProcessError):
        return None
    names = sorted({name for name in listing.decode("utf-8").split("\0") if name})
    return [root / name for name in names if (root / name).is_file()]


def ignore_patterns(root: Path) -> list[str]:
    """The lines of .gitignore that name something (no comments, no negations)."""
    gitignore = root / ".gitignore"
    lines = gitignore.read_text("utf-8").splitlines() if gitignore.is_file() else []
    patterns = [line.strip() for line in lines]
    return [".git/"] + [line for line in patterns if line and line[0] not in "#!"]


def is_ignored(relative: str, is_dir: bool, patterns: list[str]) -> bool:
    """True if a pattern matches the path's name (or, for patterns with '/', the whole path)."""
    name = relative.rsplit("/", 1)[-1]
    for pattern in patterns:
        dir_only = pattern.endswith("/")
        pattern = pattern.strip("/")
        if dir_only and not is_dir:
            continue
        target = relative if "/" in pattern else name
        if fnmatch.fnmatchcase(target, pattern):
            return True
    return False


def walked_files(root: Path) -> list[Path]:
    """Every file under ``root`` that .gitignore does not exclude."""
    patterns = ignore_patterns(root)
    found = []
    for folder, dirs, files in os.walk(root):
        base = Path(folder).relative_to(root).as_posix()
        prefix = "" if base == "." else f"{base}/"
        dirs[:] = sorted(d for d in dirs if not is_ignored(prefix + d, True, patterns))
        found += [
            root / prefix / f for f in sorted(files) if not is_ignored(prefix + f, False, patterns)
        ]
    return found


def problems(root: Path = ROOT) -> list[str]:
    """One ``path:where: problem (hook id)`` line per problem found."""
    files = git_files(root)
    found = []
    for path in walked_files(root) if files is None else files:
        data = path.read_bytes()
        relative = path.relative_to(root).as_posix()
        for hook_id, check in CHECKS.items():
            for line, problem in check(path, data):
                where = relative if line is None else f"{relative}:{line}"
                found.append(f"{where}: {problem} ({hook_id})")
    return found


def main() -> int:
    """Print every problem; exit 1 if there is one."""
    found = problems()
    for line in found:
        print(line)
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
