"""A Hydra callback for the launcher tests: counts the configs Hydra composes during a multirun."""

from pathlib import Path

from hydra._internal.config_loader_impl import ConfigLoaderImpl
from hydra.experimental.callback import Callback


class CountCompositions(Callback):
    """Writes to ``path`` how many configs Hydra's config loader composed between the start and
    the end of the multirun (after the primary config, which comes before)."""

    def __init__(self, path: str) -> None:
        self.path = Path(path)
        self.count = 0

    def on_multirun_start(self, config, **kwargs) -> None:
        compose = ConfigLoaderImpl.load_configuration

        def counted(loader, *args, **kw):
            self.count += 1
            return compose(loader, *args, **kw)

        ConfigLoaderImpl.load_configuration = counted  # type: ignore[method-assign]

    def on_multirun_end(self, config, **kwargs) -> None:
        self.path.write_text(str(self.count))
