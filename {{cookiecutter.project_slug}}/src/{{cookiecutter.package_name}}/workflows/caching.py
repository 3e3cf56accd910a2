"""Cache versions that follow the code: ``@task(cache=CODE_CACHE)``.

Flyte re-uses a cached output while the task's name, cache version and inputs are unchanged. Here
the version is a hash of everything in this project's own code that the task's result can depend
on, starting from the task's code and signature and following what it uses, transitively:

* functions and classes (a class with all its methods, so a method called on an instance counts);
* tasks, ``@dynamic`` tasks and workflows, followed to their functions (a ``@dynamic`` or
  ``@workflow`` body that calls a task depends on that task's code), ``map_task`` targets and
  ``functools.partial`` targets with their bound values;
* module-level values of any of these kinds, with their values: numbers, text, ``None``, lists,
  tuples, dicts, sets, enum members, dataclass and other project-class instances, paths, computed
  values (``FEATURES = [f"x{i}" for i in range(3)]``), also when imported from another module.

flytekit asks for the version when the ``@task`` decorator runs, before the rest of its module
has: what the module defines further down (a helper, a constant, the task a ``@dynamic`` above it
calls) counts by its source, followed the same way.

Where it cannot see precisely, the version takes in the whole source of the module involved: a
value of another kind (a library object), a project module used as a value (``getattr(models,
name)``), ``globals()``/``eval``, or a ``map_task`` built outside a task body. Comments, docstrings,
formatting and decorators never count. Libraries do not count (pin their versions in the lock);
neither do data files read at run time: put the file's version in the task's inputs (a config
value such as ``data/v3/train.csv``) or in the code (``DATA_VERSION = "2024-05"``) and change it
with the file. To pin a
version by hand instead, use ``@task(cache=Cache(version="1"))`` and bump it yourself.
"""

import hashlib

from flytekit import Cache
from flytekit.core.cache import VersionParameters

from {{ cookiecutter.package_name }}.workflows.code_reach import project_sources


class CodeHash:
    """A flytekit ``CachePolicy``: the version is a hash of the code the task runs."""

    def get_version(self, salt: str, params: VersionParameters) -> str:
        digest = hashlib.sha256(salt.encode())
        for source in sorted(set(project_sources(params.func))):
            digest.update(source.encode() + b"\0")
        return digest.hexdigest()


CODE_CACHE = Cache(policies=CodeHash())
