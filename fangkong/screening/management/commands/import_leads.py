"""`fangkong import_leads FILE --channel big_data [--source geofence] [--json] [--user NAME]`:
an alias of `fangkong import leads FILE …`."""

from __future__ import annotations

import importlib

base = importlib.import_module("fangkong.core.management.commands.import")  # `import` is a keyword


class Command(base.Command):
    help = "导入线索名单(xlsx/xls/csv),即 fangkong import leads / import a list of leads"
    kind_name = "leads"
