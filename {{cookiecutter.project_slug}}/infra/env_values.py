"""Config values taken from the environment stay on this machine.

A launch plan's default inputs are stored in flyteadmin, where everyone with access to the project
can read them. So a config value that comes from the environment (``${oc.env:DB_PASSWORD}``, also
inside another resolver such as ``${oc.decode:${oc.env:PORT}}``, or through an interpolation of a
key that does) is refused from launch plans, naming its key, unless
``hydra.launcher.allow_env_in_launch_plans`` lists that key (or a parent of it). Secrets belong in
Flyte secrets, read inside the task: the README, "On a Flyte cluster".

Found in the unresolved config with OmegaConf's own grammar, before anything is packaged or sent.
"""

from collections.abc import Iterator

from flytekit.core.workflow import WorkflowBase
from omegaconf import DictConfig, ListConfig, Node, grammar_parser
from omegaconf.grammar.gen.OmegaConfGrammarParser import OmegaConfGrammarParser as Grammar

from infra.binding import CONFIG_INPUT
from infra.errors import LauncherError

ENV_RESOLVER = "oc.env"
ALLOW_SETTING = "hydra.launcher.allow_env_in_launch_plans"


def refuse_env_values(workflow: WorkflowBase, config: DictConfig, allowed: list[str]) -> None:
    """Fail on the first key of a job config whose value would take an environment variable into
    a launch plan of ``workflow``, unless ``allowed`` (dotted keys) lists it or a parent of it."""
    for key in launch_plan_keys(workflow, config):
        for found, interpolation in env_interpolations(config, key, set()):
            if not any(found == a or found.startswith(f"{a}.") for a in allowed):
                raise LauncherError(
                    f"{found}: {interpolation!r} takes a value from the environment, which a "
                    "launch plan would store in flyteadmin. Read secrets in the task with "
                    "secret_requests (README, On a Flyte cluster), or allow the value with "
                    f"{ALLOW_SETTING}=[{found}]"
                )


def launch_plan_keys(workflow: WorkflowBase, config: DictConfig) -> Iterator[str]:
    """The keys of ``config`` that become the workflow's inputs (infra/binding.py's rule)."""
    for name in workflow.python_interface.inputs:
        if name == CONFIG_INPUT:
            yield from (str(key) for key in config if key != "hydra")
        elif name in config:
            yield name
        elif name in config.hydra.launcher.inputs:
            yield f"hydra.launcher.inputs.{name}"


def env_interpolations(config: DictConfig, key: str, seen: set[str]) -> Iterator[tuple[str, str]]:
    """``(key, interpolation)`` of every value at or under ``key`` that uses ``oc.env``, following
    the keys it interpolates; each key is looked at once."""
    if key in seen:
        return
    seen.add(key)
    node = node_at(config, key)
    if isinstance(node, DictConfig | ListConfig) and not node._is_interpolation():
        children = node.keys() if isinstance(node, DictConfig) else range(len(node))
        for child in children:
            yield from env_interpolations(config, f"{key}.{child!s}", seen)
    elif node is not None and node._is_interpolation():
        interpolation = str(node._value())
        resolvers, references = parts_of(interpolation)
        if ENV_RESOLVER in resolvers:
            yield key, interpolation
        for reference in references:
            yield from env_interpolations(config, absolute(key, reference), seen)


def parts_of(interpolation: str) -> tuple[set[str], list[str]]:
    """The resolver names and the referenced keys (as written) in an interpolation string."""
    resolvers, references = set(), []
    stack = [grammar_parser.parse(interpolation)]
    while stack:
        tree = stack.pop()
        if isinstance(tree, Grammar.InterpolationResolverContext):
            resolvers.add(tree.resolverName().getText())
        elif isinstance(tree, Grammar.InterpolationNodeContext):
            references.append(tree.getText()[2:-1])
        stack.extend(tree.getChildren() if hasattr(tree, "getChildren") else [])
    return resolvers, references


def absolute(key: str, reference: str) -> str:
    """The absolute key of ``reference`` written in the value at ``key`` (``.x``: a sibling)."""
    rest = reference.lstrip(".")
    dots = len(reference) - len(rest)
    if dots == 0:
        return rest
    parents = key.split(".")[:-dots]
    return ".".join([*parents, rest]) if rest else ".".join(parents)


def node_at(config: DictConfig, key: str) -> Node | None:
    """The node at a dotted key, unresolved; None where there is none."""
    node: Node | None = config
    for part in key.split("."):
        child: object
        if isinstance(node, DictConfig) and not node._is_interpolation():
            child = node._get_node(part)
        elif isinstance(node, ListConfig) and part.isdigit() and int(part) < len(node):
            child = node._get_node(int(part))
        else:
            return None
        node = child if isinstance(child, Node) else None
    return node
