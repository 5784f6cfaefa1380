"""Secrets from the command line: ``-k -`` reads one from standard input or a no-echo prompt.

A secret written on the command line (``-k SECRET``, ``-t TOKEN``, the emulator's
``--access-key-secret SECRET``) is readable by every user of the machine in the process list.
The flags stay (ossutil has them), but using them warns once, and ``-`` instead of the value
reads it without putting it in the process list: typed at a prompt that does not echo when
standard input is a terminal, else one line of standard input (``... -k - < file``).
"""

from __future__ import annotations

import argparse
import getpass
import sys
from collections.abc import Callable, Sequence
from typing import BinaryIO

from ossbrowse.oss.secret import Secret, SecretError

FROM_INPUT = "-"
"""The flag value that means: read the secret from standard input or a prompt."""
MAX_LINE_BYTES = 64 * 1024
"""The most read from standard input for one secret (an STS token is a few KiB at most)."""


class SecretInputError(ValueError):
    """A secret could not be read; the message names the flag and never shows the value."""


class ReadFromInput:
    """The value of a secret flag given as ``-``: read it once the arguments are parsed."""

    def __repr__(self) -> str:
        return "ReadFromInput()"


def secret_flag(value: str) -> Secret | ReadFromInput:
    """argparse ``type=`` for a secret flag: ``-`` to read it, else the value as a Secret.

    Wrapping at once keeps the text out of the parsed arguments' ``repr``; text that is not
    valid is refused as a usage error that never quotes it.
    """
    if value == FROM_INPUT:
        return ReadFromInput()
    try:
        return Secret(value)
    except SecretError as exc:
        raise argparse.ArgumentTypeError(f"the value {exc}") from None


def command_line_warning(flags: Sequence[str], instead: str) -> str:
    """The one warning for secrets given on the command line by ``flags`` (e.g. ``-k``)."""
    return (
        f"{' and '.join(flags)} on the command line: other users of this machine can read the "
        f"secret in the process list; {instead}"
    )


def take_secret_flags(
    args: argparse.Namespace,
    flags: Sequence[tuple[str, str, str]],
    read: Callable[[str, str], Secret] | None = None,
) -> list[str]:
    """Read the secrets given as ``-``; return the flags that carried one on the command line.

    ``flags`` holds (attribute, flag as shown, label) in the order standard input is read:
    with several ``-`` flags and no terminal, each takes the next line.
    """
    reader = read or (lambda label, flag: read_secret(label, flag))
    given: list[str] = []
    for attribute, flag, label in flags:
        value = getattr(args, attribute, None)
        if isinstance(value, ReadFromInput):
            setattr(args, attribute, reader(label, flag))
        elif isinstance(value, Secret):
            given.append(flag)
    return given


def read_secret(
    label: str,
    flag: str,
    *,
    stdin: BinaryIO | None = None,
    is_tty: bool | None = None,
    prompt: Callable[[str], str] = getpass.getpass,
) -> Secret:
    """Read one secret: at a no-echo prompt on a terminal, else one line of standard input.

    Raises :class:`SecretInputError` for nothing read, an over-long line, or text that is not
    valid (the message names ``flag``, never the value).
    """
    if is_tty is None:
        is_tty = sys.stdin is not None and sys.stdin.isatty()
    if is_tty:
        try:
            text = prompt(f"{label} (not shown): ")
        except EOFError:
            raise SecretInputError(f"{flag} -: nothing was typed") from None
    else:
        source = stdin if stdin is not None else sys.stdin.buffer
        data = source.readline(MAX_LINE_BYTES + 1)
        if len(data) > MAX_LINE_BYTES:
            raise SecretInputError(
                f"{flag} -: the first line of standard input is longer than "
                f"{MAX_LINE_BYTES // 1024} KiB"
            )
        # Undecodable bytes survive as surrogates, which Secret refuses with a clear message.
        text = data.decode("utf-8", "surrogateescape")
    text = text.removesuffix("\n").removesuffix("\r")
    if not text.strip():
        where = "was typed" if is_tty else "was on standard input"
        raise SecretInputError(f"{flag} -: no {label} {where}")
    try:
        return Secret(text.strip())
    except SecretError as exc:
        raise SecretInputError(f"{flag} -: the {label} read {exc}") from None
