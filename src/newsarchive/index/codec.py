"""The codec new segments are written with: Whoosh's W3 layout with two changes.

1. **No length bounds per block** (:func:`no_length_bounds_codec_class`). To record the
   shortest and longest document of each postings block, a commit reads every posting's
   field length back from the segment's length column: a fifth of commit time on
   Reuters. The bounds only serve a collector that skips blocks which cannot reach the
   top N; without them a block's BM25 bound is computed for the shortest possible
   document, which is still an upper bound, so results are the same (and ``search``
   does not skip blocks: its collectors use ``replace=0``).
2. **Positions kept apart** (:func:`codec_class`). A W3 block is one pickle of its
   document numbers, weights and encoded positions, compressed together, so scoring a
   word means decompressing and unpickling every position of it: on Reuters x5 that
   was three quarters of the time to answer a query from posting arrays. Here a block
   holds its document numbers and weights as plain little-endian arrays (read with no
   parsing at all), its encoded positions (Whoosh's own bytes, for Whoosh's matchers
   and the highlighter) as one separately compressed pickle, and the word positions
   once more as a compressed array (per posting a count, then all positions), from
   which a phrase is checked for all its candidates at once. Either part is decoded
   only when asked for. The fused text field hands the positions to the writer at the
   end of each posting's value (:func:`with_positions`), so writing never decodes a
   value it has just encoded; values that arrive without them (other fields, merged
   segments) are decoded once.

Both are pickled into each segment by reference to a restore function, so a segment
written with either opens with the reader it was written for.
"""

from __future__ import annotations

import functools
import sys
import zlib
from array import array
from collections.abc import Sequence
from pickle import dumps, loads
from typing import Any

from newsarchive.index.schema import whoosh_module

#: First byte of a packed part of a block: stored as is, or zlib-compressed.
RAW, COMPRESSED = b"r", b"z"
#: Below this many bytes zlib's header and checksum outweigh what it saves (the W3
#: codec's own threshold).
COMPRESS_MIN = 80
LITTLE = sys.byteorder == "little"


@functools.cache
def no_length_bounds_codec_class() -> Any:
    """Whoosh's W3 codec without the shortest/longest document of each postings block
    (see the module docstring). Restored by ``schema._restore_codec``."""
    base: Any = whoosh_module("codec.whoosh3").W3Codec

    class NoLengthBoundsCodec(base):  # type: ignore[misc]  # subclassing an untyped base
        length_stats = False

        def __reduce__(self) -> tuple[Any, ...]:
            from newsarchive.index.schema import _restore_codec

            return _restore_codec, (), dict(self.__dict__)

    return NoLengthBoundsCodec


@functools.cache
def codec_class() -> Any:
    """The codec new segments are written with: no length bounds, positions kept apart
    from document numbers and weights (see the module docstring)."""
    base: Any = no_length_bounds_codec_class()

    class SplitPositionsCodec(base):  # type: ignore[misc]  # subclassing an untyped base
        def __reduce__(self) -> tuple[Any, ...]:
            return _restore_codec, (), dict(self.__dict__)

        def postings_writer(self, dbfile: Any, byteids: bool = False) -> Any:
            if byteids:  # term vectors: not used by this schema, kept stock
                return super().postings_writer(dbfile, byteids=True)
            return _writer_class()(
                dbfile,
                blocklimit=self._blocklimit,
                compression=self._compression,
                inlinelimit=self._inlinelimit,
            )

        def postings_reader(
            self, dbfile: Any, terminfo: Any, format_: Any, term: Any = None, scorer: Any = None
        ) -> Any:
            if terminfo.is_inlined():
                return super().postings_reader(dbfile, terminfo, format_, term, scorer)
            offset, length = terminfo.extent()
            return matcher_class()(dbfile, offset, length, format_, term=term, scorer=scorer)

    return SplitPositionsCodec


def _restore_codec() -> Any:
    """An empty codec for unpickling a segment (its settings follow)."""
    cls = codec_class()
    return cls.__new__(cls)


def pack_numbers(numbers: Any, typecode: str) -> bytes:
    """Numbers as a little-endian array of ``typecode`` ("I" ids, "f" weights)."""
    packed = array(typecode, numbers)
    if not LITTLE:
        packed.byteswap()
    return packed.tobytes()


def unpack_numbers(data: bytes, typecode: str) -> array[Any]:
    numbers = array(typecode)
    numbers.frombytes(data)
    if not LITTLE:
        numbers.byteswap()
    return numbers


#: Ends a posting value that carries its word positions for the writer (a stock value
#: ends with a pickle's stop code, ".").
TRAILER = b"\x00NAp"


def with_positions(value: bytes, positions: Sequence[int]) -> bytes:
    """A Positions or Characters value with its word positions appended for the writer,
    which strips them again (Whoosh's decoders would ignore them anyway)."""
    return value + pack_numbers(positions, "I") + TRAILER


def split_value(value: bytes, fmt: Any) -> tuple[bytes, bytes | None]:
    """A value as stored (without positions for the writer), and its positions as a
    little-endian array: carried, decoded, or None for a format without positions."""
    if value.endswith(TRAILER):
        count = int.from_bytes(value[:4], "big")  # Whoosh packs the count as "!I"
        cut = len(value) - len(TRAILER) - 4 * count
        return value[:cut], value[cut : -len(TRAILER)]
    if fmt.supports("positions"):
        return value, pack_numbers(fmt.decode_positions(value), "I")
    return value, None


def pack_blob(data: bytes, level: int) -> bytes:
    if level and len(data) >= COMPRESS_MIN:
        return COMPRESSED + zlib.compress(data, level)
    return RAW + data


def unpack_blob(blob: bytes) -> bytes:
    data = blob[1:]
    return zlib.decompress(data) if blob[:1] == COMPRESSED else data


def unpack_values(blob: bytes) -> Any:
    """A block's encoded values, as the stock W3 block holds them."""
    return loads(unpack_blob(blob))


def unpack_word_positions(blob: bytes, postings: int) -> tuple[array[Any], array[Any]]:
    """A block's word positions: how many each posting has, then all of them in order."""
    data = unpack_blob(blob)
    return unpack_numbers(data[: 4 * postings], "I"), unpack_numbers(data[4 * postings :], "I")


@functools.cache
def _writer_class() -> Any:
    base: Any = whoosh_module("codec.whoosh3").W3PostingsWriter

    class SplitPositionsWriter(base):  # type: ignore[misc]  # subclassing an untyped base
        """Writes each block as (ids, weights, (values, word positions)): the first two
        as plain arrays, the other two packed and compressed each on its own. The block
        as a whole is not compressed (``compression=0`` for the parent writer)."""

        _values: list[bytes]  # the block's encoded values, as the fields gave them

        def __init__(
            self, postfile: Any, blocklimit: int, compression: int, inlinelimit: int
        ) -> None:
            super().__init__(
                postfile, blocklimit, byteids=False, compression=0, inlinelimit=inlinelimit
            )
            self._positions_level = compression

        def _mini_ids(self) -> bytes:
            return pack_numbers(self._ids, "I")

        def _mini_weights(self) -> Any:
            weights = super()._mini_weights()  # None (all 1), one float, or a tuple
            return pack_numbers(weights, "f") if isinstance(weights, tuple) else weights

        def _mini_values(self) -> tuple[bytes, bytes | None]:
            """(encoded values, word positions), each packed on its own."""
            level, fmt = self._positions_level, self._format
            stored: list[bytes] = []
            counts: list[int] = []
            positions: list[bytes] = []
            for value in self._values:
                kept, carried = split_value(value, fmt)
                stored.append(kept)
                if carried is not None:
                    counts.append(len(carried) // 4)
                    positions.append(carried)
            self._values = stored
            values = pack_blob(dumps(super()._mini_values(), 2), level)
            if len(positions) < len(stored):
                return values, None
            return values, pack_blob(pack_numbers(counts, "I") + b"".join(positions), level)

    return SplitPositionsWriter


@functools.cache
def matcher_class() -> Any:
    """Reads blocks written by the split-positions writer; positions are decoded only
    when a posting's value is asked for."""
    base: Any = whoosh_module("codec.whoosh3").W3LeafMatcher

    class SplitPositionsMatcher(base):  # type: ignore[misc]  # subclassing an untyped base
        _data: Any  # the block's (ids, weights, positions), None until read

        def _read_ids(self) -> None:
            if self._data is None:
                self._read_data()
            self._ids = unpack_numbers(self._data[0], "I")

        def _read_weights(self) -> None:
            if self._data is None:
                self._read_data()
            weights = self._data[1]
            if isinstance(weights, bytes):
                self._weights = unpack_numbers(weights, "f")
            else:
                super()._read_weights()

        def _read_values(self) -> None:
            if self._data is None:
                self._read_data()
            ids, weights, packed = self._data
            self._data = (ids, weights, unpack_values(packed[0]))
            try:
                super()._read_values()
            finally:
                self._data = (ids, weights, packed)

    return SplitPositionsMatcher
