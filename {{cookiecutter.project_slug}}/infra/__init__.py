"""The project's Flyte launcher: everything ``python <workflow>.py -m`` does after Hydra hands over.

Vendored into the project so it can be read, debugged and changed like the rest of the code. Hydra
reaches it through the thin shim in ``hydra_plugins/``.
"""
