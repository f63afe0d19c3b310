"""The documented limits of the file readers (docs/limits.md): beyond them a file is refused.

Every reader bounds its work by what the file really holds (never by a declared size) and
refuses, before its first row, a file past one of these numbers, naming the limit.
"""

from __future__ import annotations

#: Rows of one sheet, and the highest row number (Excel's own limit).
MAX_ROWS = 1_048_576
#: Columns of one row: no channel uses more than a few dozen; a cell further right is refused.
MAX_COLUMNS = 1_024
#: Characters of one cell (Excel's own limit is 32,767).
MAX_CELL_CHARS = 32_767
#: Cells of one workbook, all sheets together.
MAX_CELLS = 30_000_000
#: Sheets of one workbook.
MAX_SHEETS = 256
#: Merged ranges of one sheet.
MAX_MERGES = 100_000
#: Uncompressed bytes of all parts of an .xlsx/.ods read together (the zip's own sizes).
MAX_UNCOMPRESSED = 1 << 30
#: Uncompressed bytes of an .xlsx's shared strings (held in memory, compactly, while reading).
MAX_SHARED_STRINGS_BYTES = 128 << 20
#: Uncompressed size over compressed size of a zip part larger than 16 MiB (a zip bomb).
MAX_RATIO = 200
#: Bytes of an .xls (Excel 97-2003) file, which is read whole.
MAX_XLS_BYTES = 64 << 20
#: Bytes of one physical line of a CSV, and characters of one CSV record (quoted cells may
#: span lines) and of one CSV field.
MAX_LINE_BYTES = 1 << 20
MAX_RECORD_CHARS = 1 << 20
MAX_FIELD_CHARS = 131_072
#: Bytes of a JSON document (read whole), and how deep a record may nest.
MAX_JSON_BYTES = 32 << 20
MAX_JSON_DEPTH = 32
