"""``python -m newsarchive``: the same CLI as the ``newsarchive`` console script."""

from newsarchive.cli import main

main()
