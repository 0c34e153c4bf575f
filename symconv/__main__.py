"""``python -m symconv`` runs the command line."""

import sys

from symconv.cli import main

if __name__ == "__main__":
    sys.exit(main())
