"""The book's build tooling: Sphinx extensions and the notebook runner.

Nothing here changes what a notebook computes, so the build's execution cache does not watch this folder
(``watched_inputs`` in ``_config.yml`` covers ``valuekit/*.py``, the data and the bibliography).
"""
