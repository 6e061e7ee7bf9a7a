"""The shared import framework: spreadsheets and CSV files in, bad rows out with Chinese reasons.

Every import of the platform (registry, leads, key-group members, lab results, risk areas) is
built from the same pieces, one module per concern:

- `columns`: `Column` declares one field (key, Chinese label, header aliases, required, cleaner
  raising `InvalidValue`); header matching and the text cleaners.
- `dates`: the dates and times users write (`parse_date`, `parse_datetime`).
- `reading`: `read_table` opens xlsx / xls / csv (UTF-8, BOM, GBK, UTF-16), finds the header
  below title rows, fills merged cells and yields `(row number, raw values by key)`.
- `rows`: `clean_row`, the one bad-row shape (`bad_row`: row, reasons, values) and
  `run_import`, which feeds clean rows to a handler in chunks and keeps the batch's counts.
- `batches`: the one batch lifecycle (`do_create_batch`, `start_batch`, `execute_batch`, the one
  background task `run_batch_task`), the registered kinds (`ImportKind`) and `batch_result`,
  the one JSON result.
- `upload`: `ImportFileField`, every import form's file field (size and unpacked-size limits), and
  `upload_form`, a list's upload form; `views.UploadImportView` is its page.
- `sheet`: the one error sheet (`error_sheet`, `error_sheet_response`: masked by role, audited).
"""

from __future__ import annotations

from .batches import (
    BACKGROUND_BYTES,
    ImportKind,
    batch_result,
    create_batch,
    do_create_batch,
    execute_batch,
    fail_stale_batches,
    import_file,
    kind_of,
    kinds,
    mark_failed,
    mark_running,
    previous_batch,
    register_kind,
    run_batch_task,
    start_batch,
)
from .columns import (
    Cleaner,
    Column,
    ReadError,
    as_text,
    choice,
    is_blank,
    match_headers,
    normalize_header,
    normalize_text,
    text,
)
from .dates import parse_date, parse_datetime
from .reading import (
    ACCEPTED_SUFFIXES,
    HEADER_SCAN_ROWS,
    SPREADSHEET_SUFFIXES,
    Source,
    Table,
    check_file,
    file_sha256,
    read_table,
)
from .rows import (
    CHUNK_ROWS,
    MAX_STORED_ERRORS,
    BadRow,
    ChunkResult,
    Handler,
    ImportRow,
    bad_row,
    clean_row,
    reasons_of,
    run_import,
)
from .sheet import XLSX, error_sheet, error_sheet_response
from .upload import ImportFileField, UploadForm, upload_form

__all__ = [
    "ACCEPTED_SUFFIXES", "BACKGROUND_BYTES", "CHUNK_ROWS", "HEADER_SCAN_ROWS", "MAX_STORED_ERRORS",
    "SPREADSHEET_SUFFIXES", "XLSX", "BadRow", "ChunkResult", "Cleaner", "Column", "Handler", "ImportFileField", "ImportKind",
    "ImportRow", "ReadError", "Source", "Table", "as_text", "bad_row", "batch_result", "check_file", "choice", "clean_row",
    "create_batch", "do_create_batch", "error_sheet", "error_sheet_response", "execute_batch", "fail_stale_batches", "file_sha256", "import_file",
    "is_blank", "kind_of", "kinds", "mark_failed", "mark_running", "match_headers", "normalize_header",
    "normalize_text", "parse_date", "parse_datetime", "previous_batch", "read_table", "reasons_of",
    "register_kind", "run_batch_task", "run_import", "start_batch", "text", "UploadForm", "upload_form",
]
