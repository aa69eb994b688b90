"""The optional C extension; everything else about the package is in pyproject.toml.

``newsarchive._linefeatures`` measures a text line's shape for ``textlines.line_shape``.
It is optional: where it cannot be compiled (no C compiler) the install goes on without
it, and ``textlines`` measures every line in Python. (Declared here rather than in
pyproject.toml, whose ``ext-modules`` table setuptools still calls experimental.)
"""

from setuptools import Extension, setup

setup(
    ext_modules=[
        Extension(
            "newsarchive._linefeatures",
            sources=["src/newsarchive/_linefeatures.c"],
            optional=True,
        )
    ]
)
