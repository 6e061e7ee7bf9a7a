"""`fangkong import-venues FILE [--json] [--user NAME]`: an alias of `fangkong import venues FILE …`."""

from __future__ import annotations

import importlib

base = importlib.import_module("fangkong.core.management.commands.import")  # `import` is a keyword


class Command(base.Command):
    help = "导入重点场所名单（xlsx/xls/csv），即 fangkong import venues / import a list of venues"
    kind_name = "venues"
