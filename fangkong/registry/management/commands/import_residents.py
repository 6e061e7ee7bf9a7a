"""`fangkong import_residents FILE [--json] [--user NAME]`: an alias of `fangkong import residents FILE …`."""

from __future__ import annotations

import importlib

base = importlib.import_module("fangkong.core.management.commands.import")  # `import` is a keyword


class Command(base.Command):
    help = "导入常住人口基础台账(xlsx / xls / csv),即 fangkong import residents / import the resident registry"
    kind_name = "residents"
