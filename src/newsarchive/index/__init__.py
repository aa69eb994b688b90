"""The Whoosh search backend: the only package that imports whoosh.

Split by concern: ``schema`` (fields and the writing side), ``codec`` (how postings are
laid out on disk), ``query`` (query compilation, date windows, sorting, highlights,
facets), ``arrays`` (queries answered from whole posting lists) and ``backend``
(:class:`WhooshBackend`).

:class:`WhooshBackend` implements :class:`newsarchive.search.SearchBackend`. The choices
below follow what ``../shared/design/search-notes.md`` measured on this project's kind of
machine and what ``benchmarks/search.py`` re-measures:

* **Analysis.** Words are ``\\w+`` runs, lower-cased and stemmed, with no stop list (so a
  phrase keeps its small words). English, and text whose language is unknown, goes into
  ``headline``/``kicker``/``dek``/``body`` with the Porter stemmer. A story in another
  language Whoosh can stem (:data:`STEMMED_LANGUAGES`) goes into the same fields with a
  ``__<lang>`` suffix, analysed by that language's Snowball stemmer; a query is compiled
  against every language present in the index, so an English-only archive pays nothing.
* **Dates.** ``day`` holds the published day as a ``yyyymmdd`` number: date ranges over it
  were 3-7x faster than over a second-resolution ``DATETIME``. ``sortdate`` is a column
  only (seconds since the epoch) for newest/oldest sorting.
* **Facets** read columns (``f_section`` ...) that keep each value as published, so one
  CLI process counts them without building a cache from the terms first.
* **Answering.** A long-lived backend evaluates the query tree a segment at a time on
  decoded posting arrays with numpy (:mod:`newsarchive.index.arrays`): Whoosh's scores,
  none of its posting-by-posting stepping. Clauses it does not evaluate (wildcards,
  fuzzy terms, bare ranges) send the query to Whoosh's matchers, as does a one-shot CLI
  search, where importing numpy would cost more than it saves.
* **Highlights** use the character offsets stored with ``body`` (``chars=True``) and a
  ``PinpointFragmenter``, which never re-tokenises the stored text.
* **Writing.** Text fields are indexed by a fused field (:func:`_fused_text_class`) that
  produces exactly the stock analyser chain's postings in one pass, and writers use a
  codec without per-block length bounds that keeps positions apart from document
  numbers and weights (:mod:`newsarchive.index.codec`). On Reuters (21,577
  stories, one process, one core) they cut the CPU time to index from 30-37 s to
  22-24 s. The analysers themselves are the stock ones, so queries and highlights
  tokenise as before, and indexes written before still open and grow.
* **Bulk writes** (``bulk=True``: ``reindex``, large migrations) use two processes, one
  segment each, and a large pool per process (:data:`BULK_LIMITMB`): 2.5x the default
  throughput. Small writes use one process so an ingest of a few files does not pay for
  a fork.

whoosh is imported inside functions, so importing this package costs nothing until an
index is opened (``newsarchive --help`` never pays for it).
"""

from newsarchive.index.backend import WhooshBackend
from newsarchive.index.schema import build_schema, language_suffix, whoosh_fields

__all__ = ["WhooshBackend", "build_schema", "language_suffix", "whoosh_fields"]
