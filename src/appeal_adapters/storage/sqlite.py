"""``sqlite:///path/to/file.db``: the embedded default store, on the standard library's sqlite3.

WAL journal and ``synchronous=FULL`` (a committed item survives a crash or power cut); every
write transaction starts with ``BEGIN IMMEDIATE`` and waits up to ``busy_timeout`` for other
writers, so concurrent processes queue instead of failing.  Opened read-only (``mode=ro``, no
migration), a store reads while another process writes: WAL readers never wait.  Every driver
error surfaces as a ``StorageError`` (a corrupt page found later included).
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import Any
from urllib.parse import quote

from appeal_adapters.hookspecs import hookimpl
from appeal_adapters.storage import sql
from appeal_adapters.storage.sqlstore import GuardedCursor, SqlStore
from appeal_core.ports import Store

SCHEME = "sqlite"
PREFIX = "sqlite:///"
SYNCHRONOUS = ("OFF", "NORMAL", "FULL", "EXTRA")
DEFAULT_BUSY_TIMEOUT_MS = 60_000
#: SQLite's page cache per connection (KiB): its default 2 MiB cannot even hold the inner pages
#: of a 1,000,000-item store's indexes, so every index lookup of an import read several pages.
CACHE_KIB = 32 * 1024


def _code(exc: sqlite3.Error) -> int:
    """SQLite's primary result code of ``exc`` (``SQLITE_BUSY``, ``SQLITE_NOTADB``...)."""
    return int(getattr(exc, "sqlite_errorcode", 0)) & 0xFF


def _cannot_open(path: str, exc: sqlite3.Error) -> sql.StorageError:
    """A clerk's reason why the file at ``path`` cannot be opened as a store."""
    folder = os.path.dirname(os.path.abspath(path))
    if path != ":memory:" and not os.path.isdir(folder):
        reason = f"所在目录 {folder} 不存在，请先建立该目录或改用其他路径"
    elif _code(exc) == sqlite3.SQLITE_NOTADB:
        reason = "该文件不是 SQLite 数据库（路径指向了别的文件，或文件已损坏），请检查路径"
    else:
        reason = f"{exc}（请检查路径和读写权限）"
    return sql.StorageError(f"无法打开 SQLite 数据库 {path}：{reason}")


def _translate(path: str, busy_ms: int, exc: Exception) -> Exception | None:
    """The ``StorageError`` for a driver error met after opening (None: let it through)."""
    if not isinstance(exc, sqlite3.Error) or isinstance(exc, sqlite3.IntegrityError):
        return None
    code = _code(exc)
    if code in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED):
        return sql.StoreBusy(path, busy_ms)
    if code in (sqlite3.SQLITE_CORRUPT, sqlite3.SQLITE_NOTADB):
        why = (
            "文件已损坏（{exc}）：请停止写入，从备份恢复，或用 sqlite3 的 .recover 抢救数据后"
            "运行 appeal audit verify 核对"
        )
    elif code == sqlite3.SQLITE_READONLY:
        why = "不能写入（{exc}）：文件或所在目录只读，或以只读方式打开"
    elif code == sqlite3.SQLITE_FULL:
        why = "磁盘已满（{exc}）：请腾出空间后重试，已提交的数据不受影响"
    elif code in (sqlite3.SQLITE_IOERR, sqlite3.SQLITE_CANTOPEN):
        why = "读写文件出错（{exc}）：请检查磁盘、路径和权限"
    else:
        why = "数据库出错（{exc}）"
    return sql.StorageError(f"SQLite 数据库 {path} " + why.format(exc=exc))


class SQLiteStore(SqlStore):
    """Items, event log and counters in one SQLite file (or ``:memory:``).

    ``synchronous`` trades durability for speed (``FULL`` by default); ``busy_timeout_ms`` is
    how long a writer waits for another writer's transaction before ``StoreBusy``.
    ``read_only`` opens an existing file with ``mode=ro``, never migrating it: a schema older or
    newer than this code, or a missing file, is refused (``:memory:`` ignores it).
    """

    dialect = sql.SQLITE

    def __init__(
        self,
        path: str,
        *,
        synchronous: str = "FULL",
        busy_timeout_ms: int = DEFAULT_BUSY_TIMEOUT_MS,
        schema_version: int = sql.LATEST,
        read_only: bool = False,
    ) -> None:
        super().__init__()
        if synchronous.upper() not in SYNCHRONOUS:
            raise sql.BadStoreURL(path, f"synchronous={synchronous!r} 应为 {'/'.join(SYNCHRONOUS)}")
        self.where = path
        self.busy_timeout_ms = busy_timeout_ms
        if read_only and path != ":memory:":
            self._open_read_only(path)
            return
        try:
            self._conn = sqlite3.connect(
                path, isolation_level=None, check_same_thread=False, timeout=busy_timeout_ms / 1000
            )
        except sqlite3.Error as exc:
            raise _cannot_open(path, exc) from exc
        try:
            self._conn.execute(f"PRAGMA busy_timeout = {int(busy_timeout_ms)}")
            self.journal_mode = str(self._conn.execute("PRAGMA journal_mode = WAL").fetchone()[0])
            self._conn.execute(f"PRAGMA synchronous = {synchronous.upper()}")
            self._conn.execute(f"PRAGMA cache_size = -{CACHE_KIB}")
            with self._transaction() as cur:
                sql.migrate(cur, self.dialect, path, schema_version)
        except sqlite3.Error as exc:
            self._conn.close()
            if _code(exc) == sqlite3.SQLITE_BUSY:
                raise sql.StoreBusy(path, busy_timeout_ms) from exc
            raise _cannot_open(path, exc) from exc
        except BaseException:
            self._conn.close()
            raise

    def _open_read_only(self, path: str) -> None:
        if not os.path.isfile(path):
            raise sql.StorageError(
                f"SQLite 数据库 {path} 不存在：只读打开不会新建文件；请检查路径，"
                "或先以可写方式打开（如 appeal init）建立它"
            )
        uri = f"file:{quote(os.path.abspath(path))}?mode=ro"
        try:
            self._conn = sqlite3.connect(
                uri, uri=True, isolation_level=None, check_same_thread=False,
                timeout=self.busy_timeout_ms / 1000,
            )  # fmt: skip
        except sqlite3.Error as exc:
            raise _cannot_open(path, exc) from exc
        try:
            self._conn.execute(f"PRAGMA busy_timeout = {int(self.busy_timeout_ms)}")
            self.journal_mode = str(self._conn.execute("PRAGMA journal_mode").fetchone()[0])
            known = self._conn.execute(
                "SELECT count(*) FROM sqlite_master WHERE name = 'schema_version'"
            ).fetchone()[0]
            found = self._conn.execute("SELECT max(version) FROM schema_version").fetchone()[0]
            sql.require_latest(path, int(found or 0) if known else 0)
        except sqlite3.Error as exc:
            self._conn.close()
            raise _cannot_open(path, exc) from exc
        except BaseException:
            self._conn.close()
            raise
        self.read_only = True

    @classmethod
    def from_url(cls, url: str, *, read_only: bool = False) -> SQLiteStore:
        """Open ``sqlite:///relative.db``, ``sqlite:////abs/path.db`` or ``sqlite:///:memory:``.

        Options go after ``?``: ``synchronous=NORMAL``, ``busy_timeout=5000`` (milliseconds).
        """
        if not url.startswith(PREFIX) or len(url) == len(PREFIX):
            raise sql.BadStoreURL(url, "应为 sqlite:///相对路径.db 或 sqlite:////绝对路径.db")
        path, _, query = url[len(PREFIX) :].partition("?")
        options: dict[str, Any] = {}
        for pair in filter(None, query.split("&")):
            key, _, value = pair.partition("=")
            if key == "synchronous":
                options["synchronous"] = value
            elif key == "busy_timeout" and value.isdigit():
                options["busy_timeout_ms"] = int(value)
            else:
                hint = "可用 synchronous、busy_timeout"
                raise sql.BadStoreURL(url, f"不认识的选项 {pair!r}（{hint}）")
        return cls(path, read_only=read_only, **options)

    def _guard(self, cur: sqlite3.Cursor) -> Any:
        return GuardedCursor(cur, lambda exc: _translate(self.where, self.busy_timeout_ms, exc))

    @contextmanager
    def _transaction(self) -> Iterator[Any]:
        cur = self._conn.cursor()
        self._run(cur, "BEGIN IMMEDIATE")
        try:
            yield self._guard(cur)
        except BaseException:
            if self._conn.in_transaction:
                self._conn.rollback()
            raise
        else:
            try:
                self._run(cur, "COMMIT")
            except BaseException:
                if self._conn.in_transaction:
                    self._conn.rollback()
                raise
        finally:
            cur.close()

    def _run(self, cur: sqlite3.Cursor, statement: str) -> None:
        self._guard(cur).execute(statement)

    def _cursor(self) -> Any:
        return self._guard(self._conn.cursor())

    @contextmanager
    def _snapshot(self) -> Iterator[Any]:
        with self._lock:
            cur = self._conn.cursor()
            self._run(cur, "BEGIN")  # deferred: the snapshot is taken by the first read
            try:
                yield self._guard(cur)
            finally:
                if self._conn.in_transaction:
                    self._conn.rollback()
                cur.close()

    def pragma(self, name: str) -> Any:
        """The value of a read-only ``PRAGMA`` (``journal_mode``, ``synchronous``...)."""
        if not name.replace("_", "").isalpha():
            raise sql.BadStoreURL(self.where, f"PRAGMA 名称 {name!r} 无效")
        return self._conn.execute(f"PRAGMA {name}").fetchone()[0]

    def close(self) -> None:
        """Close the connection (idempotent)."""
        self._conn.close()


@hookimpl
def appeal_open_store(url: str, read_only: bool) -> Store | None:
    """A ``SQLiteStore`` for ``sqlite:///...`` URLs (read-only when asked)."""
    if url.split(":", 1)[0] != SCHEME:
        return None
    return SQLiteStore.from_url(url, read_only=read_only)


@hookimpl
def appeal_store_schemes() -> Iterable[str]:
    """This plugin opens ``sqlite:///``."""
    return [SCHEME]
