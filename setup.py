"""The optional C extensions; everything else about the package is in pyproject.toml.

- ``newsarchive._linefeatures`` measures a text line's shape for ``textlines.line_shape``;
- ``newsarchive._wordtrie`` finds guard words and profile cue keys for ``textrules``, and
  matches a page's new lines against a matcher's rules.

Both are optional: where they cannot be compiled (no C compiler) the install goes on
without them, and the Python code they stand in for runs instead, as the tests compare.
(Declared here rather than in pyproject.toml, whose ``ext-modules`` table setuptools
still calls experimental.)
"""

from setuptools import Extension, setup

setup(
    ext_modules=[
        Extension(
            "newsarchive._linefeatures",
            sources=["src/newsarchive/_linefeatures.c"],
            optional=True,
        ),
        Extension(
            "newsarchive._wordtrie",
            sources=["src/newsarchive/_wordtrie.c"],
            optional=True,
        ),
    ]
)
