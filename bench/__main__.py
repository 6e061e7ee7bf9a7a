"""python -m bench NAME DB — run one benchmark module on one database kind; print JSON figures."""

import importlib
import json
import sys

name, db = sys.argv[1], sys.argv[2]
module = importlib.import_module(f"bench.{name}")
figures = module.main(db)
print(json.dumps({"benchmark": name, "db": db, **figures}, ensure_ascii=False))
