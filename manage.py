#!/usr/bin/env python
"""Django's command-line utility; `fangkong` (fangkong.cli) is the installed equivalent."""

import sys

from fangkong.cli import main

if __name__ == "__main__":
    sys.exit(main())
