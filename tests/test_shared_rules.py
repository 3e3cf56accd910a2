"""One rule for endpoints, registries and Flyte ids: the pre-gen hook and the baked project's
launcher both use the project's ``infra/settings/rules.py``, so a value one accepts the other
accepts.

Both ways, as users meet them: each value of the table is answered to cookiecutter (the hook
refuses it or the bake succeeds) and set in the installed bake's launcher settings (its settings
loader refuses it or loads it), and the two verdicts must agree.
"""

import json
import subprocess
from pathlib import Path

import pytest
from pytest_cookies.plugin import Cookies

from support.baking import baked, run_cookiecutter
from support.targets import make
from support.template import TEMPLATE_DIR, pre_gen

RULES_FILE = Path("infra", "settings", "rules.py")
# answer -> the launcher setting it becomes, and that setting's value ({answer}, {slug}).
SETTINGS = {
    "flyte_endpoint": ("hydra.launcher.connection.endpoint", "{answer}"),
    "flyte_project": ("hydra.launcher.project", "{answer}"),
    "flyte_domain": ("hydra.launcher.domain", "{answer}"),
    "image_registry": ("hydra.launcher.images.default.repository", "{answer}/{slug}"),
}
VALUES = {
    "flyte_endpoint": [
        "localhost:30080",
        "flyte.example.com:443",
        "10.0.0.1:81",
        "[::1]:8089",
        "https://flyte.example.com:443",
        "dns:///flyte:443",
        "localhost",
        "localhost:0",
        "localhost:65536",
        "bad_host:80",
        "999.1.1.1:80",
    ],
    "flyte_project": ["demand-forecast", "a", "a" * 63, "", "a" * 64, "a_b", "Dev", "x-", "1abc"],
    "flyte_domain": ["development", "staging", "dev elopment", "d" * 77, "-dev"],
    "image_registry": [
        "localhost:30000",
        "ghcr.io/acme",
        "registry.example.com:5000/a/b__c",
        "[::1]:5000/x",
        "docker.io/user",
        "ghcr.io/Org",
        "https://ghcr.io/org",
        "ghcr.io/org/app:latest",
        "localhost:70000",
        "ghcr.io/org/",
        "a___b.io",
    ],
}
# Not here: a registry without a '.' or a port ("registry"), which the hook refuses, while the
# launcher takes "registry/name" as a Docker Hub repository (tests/test_answers.py refuses it).
CASES = [(key, value) for key, values in VALUES.items() for value in values]
# Loads each override in the bake's launcher settings; prints the refusal (or null) of each.
LOADER = """
import json, sys
from pathlib import Path
from infra.errors import LauncherError
from infra.settings.load import compose_primary, import_workflow, launcher_settings
(package,) = [path.parent.name for path in Path("src").glob("*/__init__.py")]
name = sorted(path.stem for path in Path("conf").glob("*.yaml")
              if Path("src", package, "workflows", path.name).with_suffix(".py").exists())[0]
module = import_workflow(f"{package}.workflows.{name}")
verdicts = []
for override in json.loads(sys.argv[1]):
    try:
        launcher_settings(compose_primary(module, [override]))
        verdicts.append(None)
    except LauncherError as error:
        verdicts.append(str(error))
print(json.dumps(verdicts))
"""


def test_the_hook_loads_the_rules_the_project_is_baked_with(cookies: Cookies) -> None:
    """One copy: the hook's rules are the template's project file, baked unchanged."""
    (template_rules,) = TEMPLATE_DIR.glob(f"*cookiecutter*/{RULES_FILE}")
    assert Path(pre_gen().RULES.__file__) == template_rules
    project = baked(cookies.bake())
    assert (project / RULES_FILE).read_bytes() == template_rules.read_bytes()


def hook_verdict(tmp_path: Path, key: str, value: str) -> str | None:
    """The hook's rule for ``key=value`` (through cookiecutter), or None if the bake succeeds."""
    result = run_cookiecutter(tmp_path, **{key: value})
    if result.returncode == 0:
        return None
    lines = [line for line in result.stderr.splitlines() if line.startswith(f"{key}: ")]
    assert len(lines) == 1 and lines[0].endswith(f"(got {value!r})"), result.stderr
    return lines[0].removeprefix(f"{key}: ").removesuffix(f" (got {value!r})")


@pytest.fixture(scope="module")
def launcher_verdicts(
    tmp_path_factory: pytest.TempPathFactory,
) -> dict[tuple[str, str], str | None]:
    """The installed default bake's settings loader on every case: its refusal line, or None."""
    root = tmp_path_factory.mktemp("shared-rules")
    home = root / "home"
    home.mkdir()
    result = run_cookiecutter(root / "out")
    assert result.returncode == 0, result.stderr
    (project,) = (root / "out").iterdir()
    make(project, "install", home=home)
    overrides = [
        f"{SETTINGS[key][0]}='{SETTINGS[key][1].format(answer=value, slug=project.name)}'"
        for key, value in CASES
    ]
    loaded = subprocess.run(
        [str(project / ".venv" / "bin" / "python"), "-c", LOADER, json.dumps(overrides)],
        cwd=project,
        capture_output=True,
        text=True,
        check=True,
        env={"HOME": str(home), "PATH": "/usr/bin:/bin"},
        timeout=300,
    )
    return dict(zip(CASES, json.loads(loaded.stdout), strict=True))


def test_the_table_has_both_verdicts_for_every_answer():
    """Each answer's values include ones the hook accepts and ones it refuses."""
    rules = pre_gen().CHECKS
    for key, values in VALUES.items():
        verdicts = {rules[key](value) is None for value in values}
        assert verdicts == {True, False}, key


@pytest.mark.slow
@pytest.mark.parametrize(("key", "value"), CASES, ids=[f"{k}={v}" for k, v in CASES])
def test_hook_and_launcher_agree(key, value, tmp_path, launcher_verdicts):
    hook = hook_verdict(tmp_path, key, value)
    launcher = launcher_verdicts[(key, value)]
    assert (hook is None) == (launcher is None), (hook, launcher)
    if launcher is not None and key != "image_registry":  # the launcher checks the repository
        assert launcher == f"{SETTINGS[key][0]}: {hook} (got {value!r})"
