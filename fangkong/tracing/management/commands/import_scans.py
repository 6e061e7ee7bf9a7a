"""`fangkong import-scans FILE [--json] [--user NAME]`: venue scans (场所码) for co-presence, from
csv, xlsx or parquet; also `fangkong import scans FILE …`."""

from ._records import RecordsCommand


class Command(RecordsCommand):
    help = "导入场所码扫码记录（csv/xlsx/parquet），用于时空伴随研判 / import venue scans"
    kind_name = "scans"
