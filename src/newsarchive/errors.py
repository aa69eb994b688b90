"""Exceptions raised by newsarchive.

Every error the library raises on purpose derives from :class:`ArchiveError`, so a caller
(the CLI, a script) can catch one type and report it. The tree::

    ArchiveError
    ├── CaptureError        a raw input cannot be read or decoded (names the input)
    ├── RuleError           a boilerplate rule or profile is malformed (names the rule)
    ├── NormaliseError      a capture holds no article the normaliser can recover
    ├── RecordError         a NewsML-G2 record is invalid or cannot be read back
    ├── StoreError          raw/, archive/ or the catalog cannot be written or read
    └── SearchIndexError    the search index cannot be opened, written or queried
        └── QuerySyntaxError  a user query is malformed (message says where)
"""

from __future__ import annotations


class ArchiveError(Exception):
    """Base class for every error newsarchive raises deliberately."""


class CaptureError(ArchiveError):
    """A raw capture cannot be read, decoded or split into records."""


class RuleError(ArchiveError):
    """A boilerplate rule or publisher profile is malformed or fails its own examples."""


class NormaliseError(ArchiveError):
    """A capture holds nothing the normaliser can turn into an article."""


class RecordError(ArchiveError):
    """A NewsML-G2 record fails validation or cannot be parsed back."""


class StoreError(ArchiveError):
    """The archive store (raw/, archive/, catalog) cannot be read or written."""


class SearchIndexError(ArchiveError):
    """The search index cannot be opened, written or queried."""


class QuerySyntaxError(SearchIndexError):
    """A search query could not be parsed."""
