"""``python -m ossbrowse``: the same as the ``ossbrowse`` command."""

import sys

from .cli import main

if __name__ == "__main__":
    sys.exit(main())
