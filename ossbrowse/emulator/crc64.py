"""CRC-64/ECMA-182 as OSS computes ``x-oss-hash-crc64ecma``.

OSS uses the reflected ECMA-182 polynomial with all-ones initial value and final XOR (the
variant also known as CRC-64/XZ; the SDKs build it with
``crcmod.mkCrcFun(0x142F0E1EBA9EA3693, initCrc=0, xorOut=0xffffffffffffffff, rev=True)``).
The value travels as an unsigned decimal string.

The emulator accepts bodies of hundreds of MiB, so :func:`crc64` is crcmod's C extension when
it is installed and built (a runtime dependency); otherwise, or when crcmod could only install
its pure-Python fallback, it is :func:`crc64_pure`, a byte-wise table (a few MiB/s).
"""

from __future__ import annotations

import sys
from collections.abc import Callable

_MASK = 0xFFFFFFFFFFFFFFFF
_POLY = 0x142F0E1EBA9EA3693
# 0x42F0E1EBA9EA3693 bit-reversed: the reflected form processes the least significant bit first.
_POLY_REFLECTED = 0xC96C5795D7870F42

Data = bytes | bytearray | memoryview


def _make_table() -> tuple[int, ...]:
    table = []
    for byte in range(256):
        crc = byte
        for _ in range(8):
            crc = (crc >> 1) ^ _POLY_REFLECTED if crc & 1 else crc >> 1
        table.append(crc)
    return tuple(table)


_TABLE = _make_table()


def crc64_pure(data: Data, crc: int = 0) -> int:
    """The CRC-64/ECMA-182 of ``data`` in pure Python; ``crc`` continues a previous result."""
    table = _TABLE
    value = crc ^ _MASK
    for byte in bytes(data):
        value = table[(value ^ byte) & 0xFF] ^ (value >> 8)
    return value ^ _MASK


def _fast() -> Callable[[Data, int], int] | None:
    """crcmod's function when its C extension is in use, else None."""
    try:
        import crcmod
    except ImportError:
        return None
    if not getattr(sys.modules.get("crcmod.crcmod"), "_usingExtension", False):
        return None  # crcmod's own fallback is pure Python too: ours is as good
    function: Callable[[Data, int], int] = crcmod.mkCrcFun(_POLY, initCrc=0, xorOut=_MASK, rev=True)
    return function


_FAST = _fast()
IMPLEMENTATION = "crcmod" if _FAST is not None else "pure"


def crc64(data: Data, crc: int = 0) -> int:
    """The CRC-64/ECMA-182 of ``data``; pass a previous result as ``crc`` to continue it.

    ``crc64(b + c) == crc64(c, crc64(b))``, so a body can be checked in pieces.
    """
    if _FAST is not None:
        return _FAST(data, crc)
    return crc64_pure(data, crc)


def crc64_header(data: Data) -> str:
    """The ``x-oss-hash-crc64ecma`` header value for ``data`` (unsigned decimal)."""
    return str(crc64(data))
