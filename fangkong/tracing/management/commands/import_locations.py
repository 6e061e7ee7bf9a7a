"""`fangkong import-locations FILE [--json] [--user NAME]`: location records (phone, cell, entry,
exit) for co-presence, from csv, xlsx or parquet; also `fangkong import locations FILE …`."""

from ._records import RecordsCommand


class Command(RecordsCommand):
    help = "导入位置记录（csv/xlsx/parquet），用于时空伴随研判 / import location records"
    kind_name = "locations"
