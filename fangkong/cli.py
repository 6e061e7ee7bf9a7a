"""The `fangkong` command: Django's management commands with fangkong's settings.

Commands may be written with hyphens as in the docs (`fangkong import-leads`); they map to
the underscored management command names.
"""

import os
import sys


def main(argv: list[str] | None = None) -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fangkong.settings")
    from django.core.management import execute_from_command_line

    argv = list(argv if argv is not None else sys.argv)
    if len(argv) > 1 and "-" in argv[1] and not argv[1].startswith("-"):
        argv[1] = argv[1].replace("-", "_")
    execute_from_command_line(argv)
    return 0


if __name__ == "__main__":
    sys.exit(main())
