"""newsarchive: archival digitisation of news.

Raw captures (page text, HTML, WARC, JSON Lines) go in; clean NewsML-G2 records, a
content-addressed store of the originals and a Whoosh search index come out. The stages,
one module each, flow one way::

    capture -> normalise -> newsml -> store -> index -> search / export

``pipeline`` strings them together; ``cli`` is a thin click layer over it.
"""

from __future__ import annotations

import logging

__version__ = "0.1.0"

logging.getLogger(__name__).addHandler(logging.NullHandler())

__all__ = ["__version__"]
