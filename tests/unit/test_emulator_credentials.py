"""The emulator's generated key pair can be pasted after -i/-k on any command line."""

from __future__ import annotations

from ossbrowse.emulator.core import generate_access_key_id, generate_access_key_secret


def test_a_generated_secret_never_starts_with_a_dash() -> None:
    # One in 64 URL-safe secrets would, and `-k -Abc…` reads as a flag.
    secrets = [generate_access_key_secret() for _ in range(3000)]
    assert not [s for s in secrets if s.startswith("-")]
    assert all(len(s) == 30 for s in secrets)
    assert len(set(secrets)) == len(secrets)


def test_a_generated_key_id_looks_like_alibaba_clouds() -> None:
    key_id = generate_access_key_id()
    assert key_id.startswith("LTAI5t") and len(key_id) == 24 and key_id.isalnum()
