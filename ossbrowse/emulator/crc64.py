"""CRC-64/ECMA-182 as OSS computes ``x-oss-hash-crc64ecma``.

OSS uses the reflected ECMA-182 polynomial with all-ones initial value and final XOR (the
variant also known as CRC-64/XZ; the SDKs build it with
``crcmod.mkCrcFun(0x142F0E1EBA9EA3693, initCrc=0, xorOut=0xffffffffffffffff, rev=True)``).
The value travels as an unsigned decimal string. A byte-wise table keeps this pure Python and
fast enough for the emulator's bodies.
"""

from __future__ import annotations

_MASK = 0xFFFFFFFFFFFFFFFF
# 0x42F0E1EBA9EA3693 bit-reversed: the reflected form processes the least significant bit first.
_POLY_REFLECTED = 0xC96C5795D7870F42


def _make_table() -> tuple[int, ...]:
    table = []
    for byte in range(256):
        crc = byte
        for _ in range(8):
            crc = (crc >> 1) ^ _POLY_REFLECTED if crc & 1 else crc >> 1
        table.append(crc)
    return tuple(table)


_TABLE = _make_table()


def crc64(data: bytes | bytearray | memoryview, crc: int = 0) -> int:
    """The CRC-64/ECMA-182 of ``data``; pass a previous result as ``crc`` to continue it.

    ``crc64(b + c) == crc64(c, crc64(b))``, so a body can be checked in pieces.
    """
    table = _TABLE
    value = crc ^ _MASK
    for byte in bytes(data):
        value = table[(value ^ byte) & 0xFF] ^ (value >> 8)
    return value ^ _MASK


def crc64_header(data: bytes | bytearray | memoryview) -> str:
    """The ``x-oss-hash-crc64ecma`` header value for ``data`` (unsigned decimal)."""
    return str(crc64(data))
