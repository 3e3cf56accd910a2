"""Planted secrets for the shipping tests: every family of infra/workflow/secret_files.py's list in
three cases, in every folder of a copy of the project (never the project itself), and ways to look
for them in what a door ships."""

import gzip
import io
import json
import os
import shutil
import subprocess
import sys
import tarfile
import uuid
from pathlib import Path

from infra.workflow.secret_files import SECRET_FOLDERS, SECRET_NAMES
from infra.workflow.shipping import WHEEL
from support.fixture_project import CONF_DIR, PACKAGE, SOURCE
from support.scripts import ROOT

MARK = f"planted-secret-{uuid.uuid4().hex}"
# Names the issue found shipping, and others no pattern was written for.
EXTRA_NAMES = (
    "prod.env",
    "secrets.yaml",
    "secrets.toml",
    ".vault-token",
    "token.json",
    "putty.ppk",
    ".s3cfg",
    ".boto",
    "terraform.tfvars",
    ".htpasswd",
    "id_rsa",
    "id_ed25519.pub",
    ".env.local",
    "gcloud/application_default_credentials.json",
    "api_token.yaml",
    "my-client-secret.ini",
)
# Written apart, so that this file holds no key itself (make lint would say it does).
DASHES, PRIVATE = "-" * 5, "PRIVATE" + " KEY"
# Files whose name says nothing but which hold a private key: a service-account key and keys.
KEY_FILES = {
    "gcp-sa.json": json.dumps({"type": "service_account", "private_key": f"{MARK}"}),
    "settings.JSON": json.dumps({"client_email": "x@y.z", "private_key": MARK}, indent=2),
    "deploy.txt": f"{DASHES}BEGIN OPENSSH {PRIVATE}{DASHES}\n{MARK}\n",
    "notes": f"{DASHES}BEGIN ENCRYPTED {PRIVATE}{DASHES}\n{MARK}\n",
    "putty": f"PuTTY-User-Key-File-3: ssh-ed25519\n{MARK}\n",
}
# What a copy of the project for these tests leaves out.
NOT_COPIED = (".git", ".venv", ".uv", "outputs", "multirun", "dist", "__pycache__", ".*_cache")
CODE = ("src", "infra", "hydra_plugins")


def case_variants(name: str) -> set[str]:
    """``name`` lowercase, uppercase and in alternating case."""
    mixed = "".join(c.upper() if i % 2 else c for i, c in enumerate(name))
    return {name, name.upper(), mixed}


NAMED = sorted(
    variant
    for name in {
        *(pattern.replace("*", "prod") for pattern in SECRET_NAMES),
        *(f"{folder}/config" for folder in SECRET_FOLDERS),
        *EXTRA_NAMES,
    }
    for variant in case_variants(name)
)


def copy_project(destination: Path) -> Path:
    """A copy of the project's files in ``destination``, its ``src/`` and ``conf/`` the launcher
    fixture project's (whatever the project's own hold), its wheel packaging that package."""
    shutil.copytree(ROOT, destination, ignore=shutil.ignore_patterns(*NOT_COPIED))
    for folder in ("src", "conf"):
        shutil.rmtree(destination / folder, ignore_errors=True)
    shutil.copytree(SOURCE / PACKAGE, destination / "src" / PACKAGE)
    shutil.copytree(CONF_DIR, destination / "conf")
    pyproject = destination / "pyproject.toml"
    pyproject.write_text(pyproject.read_text().replace(f'"{WHEEL[0]}"', f'"src/{PACKAGE}"'))
    return destination


def folders_under(root: Path, *tops: str) -> list[Path]:
    """``root`` and every folder under ``root/top`` for each of ``tops``, caches left out."""
    return [root] + [
        Path(folder)
        for top in tops
        for folder, _, _ in os.walk(root / top)
        if "__pycache__" not in Path(folder).parts
    ]


def plant(root: Path, names: bool = True, keys: bool = False) -> None:
    """The planted secrets (secret names, key files or both) in every folder of a copy."""
    planted = {name: f"TOKEN={MARK}\n" for name in NAMED} if names else {}
    planted |= KEY_FILES if keys else {}
    for folder in folders_under(root, "conf", *CODE):
        for name, text in planted.items():
            path = folder / name
            if not path.exists():
                path.parent.mkdir(exist_ok=True)
                path.write_text(text)


def leaked(files: dict[str, bytes]) -> list[str]:
    """The files of a listing (path: content) that hold the mark, archives looked into."""
    found = []
    for name, data in files.items():
        if data[:2] == b"\x1f\x8b":
            data = gzip.decompress(data)
        if tarfile.is_tarfile(io.BytesIO(data)):
            found += [f"{name}:{inner}" for inner in leaked(tar_files(data))]
        elif MARK.encode() in data:
            found.append(name)
    return sorted(found)


def tar_files(data: bytes) -> dict[str, bytes]:
    """A tar archive's (optionally gzipped) files, by path."""
    with tarfile.open(fileobj=io.BytesIO(data)) as tar:
        return {m.name: tar.extractfile(m).read() for m in tar.getmembers() if m.isfile()}


def run_copy_workflow(root: Path, workflow: str, *args: str, succeed: bool = True) -> str:
    """``python <workflow>.py args`` of a copy of the project, its code imported from the copy."""
    (script,) = root.glob(f"src/*/workflows/{workflow}.py")
    env = {key: value for key, value in os.environ.items() if not key.startswith("FLYTE_")}
    env["PYTHONPATH"] = os.pathsep.join([str(root / "src"), str(root), str(root / "tests")])
    result = subprocess.run(
        [sys.executable, str(script), *args],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    output = result.stdout + result.stderr
    assert (result.returncode == 0) == succeed, output
    return output
