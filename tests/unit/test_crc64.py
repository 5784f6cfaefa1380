"""CRC-64/ECMA-182 against crcmod built exactly as the OSS SDKs build it.

The emulator uses crcmod's C extension when it is built, and its own table otherwise: the
table (``crc64_pure``) is checked against crcmod, and both against the catalogue value.
"""

from __future__ import annotations

import sys
from collections.abc import Callable

import crcmod
import pytest
from hypothesis import given
from hypothesis import strategies as st

from ossbrowse.emulator import crc64 as crc64_module
from ossbrowse.emulator.crc64 import crc64, crc64_header, crc64_pure

# oss2.utils.Crc64 / alibabacloud_oss_v2.crc use these parameters.
reference = crcmod.mkCrcFun(0x142F0E1EBA9EA3693, initCrc=0, xorOut=0xFFFFFFFFFFFFFFFF, rev=True)


BOTH = pytest.mark.parametrize("implementation", [crc64, crc64_pure], ids=["runtime", "pure"])


@BOTH
def test_check_value(implementation: Callable[..., int]) -> None:
    # The catalogue check value of CRC-64/XZ (= OSS's CRC-64/ECMA-182 variant).
    assert implementation(b"123456789") == 0x995DC9BBDF1939FA == reference(b"123456789")


@BOTH
def test_empty_body(implementation: Callable[..., int]) -> None:
    assert implementation(b"") == reference(b"") == 0
    assert crc64_header(b"") == "0"


@given(st.binary(max_size=4096))
def test_matches_crcmod(data: bytes) -> None:
    assert crc64_pure(data) == crc64(data) == reference(data)
    assert crc64_header(data) == str(reference(data))


@given(st.binary(max_size=512), st.binary(max_size=512))
def test_continues_across_pieces(first: bytes, second: bytes) -> None:
    assert crc64_pure(second, crc64_pure(first)) == reference(first + second)
    assert crc64(second, crc64(first)) == reference(first + second)


@BOTH
def test_large_body(implementation: Callable[..., int]) -> None:
    data = bytes(range(256)) * 1024
    assert implementation(memoryview(data)) == implementation(bytearray(data)) == reference(data)


def test_the_c_extension_is_used_when_it_is_built() -> None:
    built = sys.modules["crcmod.crcmod"]._usingExtension
    assert crc64_module.IMPLEMENTATION == ("crcmod" if built else "pure")
