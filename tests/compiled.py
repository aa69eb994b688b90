"""What the tests of the optional C extensions share: skipping where one was not built."""

from __future__ import annotations

import importlib.util
import os

import pytest


def skip_unless_built(module: str, without: str) -> None:
    """Skip the calling test module where the optional C extension ``module`` was not built
    (no C compiler at install time), saying what runs ``without`` it; there is then nothing
    to compare the Python code with. CI has a C compiler, so there (``CI`` set) a missing
    extension is a broken build and fails the run instead."""
    if importlib.util.find_spec(module) is not None:
        return
    if os.environ.get("CI"):
        raise ModuleNotFoundError(f"{module} was not built, though CI has a C compiler")
    pytest.skip(
        f"{module} is not built (no C compiler at install time): {without}",
        allow_module_level=True,
    )
