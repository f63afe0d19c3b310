"""``postgresql://...``: the store for many desks and users on one PostgreSQL server (psycopg 3).

Same schema and behaviour as SQLite.  Concurrent writers serialize on the chain-head row
(``SELECT ... FOR UPDATE``) and on the numbering counter row, both held until commit; bulk
ingest goes through binary ``COPY``, each row built as it is sent.  psycopg is imported only
when a store is opened.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote, urlsplit, urlunsplit

from appeal_adapters.errors import MissingExtra
from appeal_adapters.hookspecs import hookimpl
from appeal_adapters.privacy.master import MasterKey
from appeal_adapters.storage import sql
from appeal_adapters.storage.sqlstore import GuardedCursor, SqlStore
from appeal_core.ports import KeyStore, Store

if TYPE_CHECKING:
    import psycopg

SCHEMES = ("postgresql", "postgres")
#: Advisory lock key held while migrating, so two processes never migrate at once.
MIGRATION_LOCK = 0x617070_65616C  # "appeal"


def _psycopg() -> Any:
    try:
        import psycopg
    except ImportError as exc:
        raise MissingExtra("PostgreSQL 存储", "postgres", "psycopg") from exc
    return psycopg


_USERINFO = re.compile(r"(://[^:/@\s]*:)[^@\s]*@")
_PASSWORD_KEY = re.compile(r"(password\s*=\s*)('(?:[^'\\]|\\.)*'|\S+)", re.I)


def redact(url: str) -> str:
    """``url`` without its password, for messages and logs (also when it is malformed)."""
    try:
        parts = urlsplit(url)
        password = parts.password
        host = parts.hostname or ""
        port = parts.port
    except ValueError:  # e.g. an unclosed IPv6 bracket, a port that is not a number
        return _PASSWORD_KEY.sub(r"\1***", _USERINFO.sub(r"\1***@", url))
    if password is None:
        return _PASSWORD_KEY.sub(r"\1***", url)
    netloc = f"{parts.username}:***@{host}" + (f":{port}" if port else "")
    return urlunsplit(parts._replace(netloc=netloc))


def one_line(message: object, url: str) -> str:
    """A driver's message on one line, with ``url``'s password (in any spelling) masked."""
    text = " ".join(str(message).split())
    text = _PASSWORD_KEY.sub(r"\1***", _USERINFO.sub(r"\1***@", text))
    match = _USERINFO.search(url)
    secret = match.group(0)[len(match.group(1)) : -1] if match else ""
    for spelling in {secret, unquote(secret)} - {""}:
        text = text.replace(spelling, "***")
    return text


class PostgresStore(SqlStore):
    """Items, event log and counters in one PostgreSQL database (its search path's schema).

    ``schema_version`` is for tests that build an old database; leave it at the latest.
    ``read_only`` never migrates (a schema other than this code's is refused) and runs every
    transaction ``READ ONLY`` (``default_transaction_read_only``).  ``master_key`` (default:
    from ``APPEAL_MASTER_KEY``) or ``key_store`` keep the contacts' keys (docs/privacy.md);
    ``plaintext`` stores personal data in clear, for benchmarks only.
    """

    dialect = sql.POSTGRES

    def __init__(
        self,
        url: str,
        *,
        schema_version: int = sql.LATEST,
        read_only: bool = False,
        master_key: MasterKey | None = None,
        key_store: KeyStore | None = None,
        plaintext: bool = False,
    ) -> None:
        super().__init__(master_key=master_key, key_store=key_store, plaintext=plaintext)
        self._types: dict[str, dict[str, str]] = {}
        self._pg = pg = _psycopg()
        self._url = url
        self.where = redact(url)
        try:
            self._conn: psycopg.Connection[Any] = pg.connect(url, autocommit=True)
        except pg.Error as exc:
            reason = one_line(exc, url)
            raise sql.StorageError(f"无法连接 PostgreSQL 数据库 {self.where}：{reason}") from None
        try:
            if read_only:
                self._check_schema()
                self.read_only = True
                return
            with self._transaction() as cur:
                cur.execute("SELECT pg_advisory_xact_lock(%s)", (MIGRATION_LOCK,))
                converted = self._migrate(cur, schema_version)
            if converted:
                self._scrub()
        except BaseException:
            self._conn.close()
            raise

    def _scrub(self) -> None:
        """After a conversion: rewrite the tables that held personal values in clear, so their
        old row versions leave the data files (WAL archives and backups are the deployment's)."""
        with self._translated():
            for table in ("events", "appeals"):
                self._conn.execute(f"VACUUM FULL {table}")

    def _check_schema(self) -> None:
        cur = self._cursor()
        cur.execute("SET default_transaction_read_only = on")
        cur.execute("SELECT to_regclass('schema_version') IS NOT NULL")
        found = 0
        if cur.fetchone()[0]:
            cur.execute("SELECT max(version) FROM schema_version")
            found = int(cur.fetchone()[0] or 0)
        sql.require_latest(self.where, found)
        self._check_master(cur)

    def _translate(self, exc: Exception) -> Exception | None:
        """The ``StorageError`` for a psycopg error (None: not one, or a constraint)."""
        pg = self._pg
        if not isinstance(exc, pg.Error) or isinstance(exc, pg.IntegrityError):
            return None
        reason = one_line(exc, self._url)
        if isinstance(exc, pg.errors.ReadOnlySqlTransaction):
            return sql.ReadOnlyStore(self.where)
        if isinstance(exc, pg.OperationalError):
            return sql.StorageError(
                f"PostgreSQL 数据库 {self.where} 连接中断或服务器出错：{reason}；请稍后重试"
            )
        return sql.StorageError(f"PostgreSQL 数据库 {self.where} 出错：{reason}")

    def _guard(self, cur: Any) -> Any:
        return GuardedCursor(cur, self._translate)

    @classmethod
    def from_url(
        cls, url: str, *, read_only: bool = False, key_store: KeyStore | None = None
    ) -> PostgresStore:
        """Open ``postgresql://user:password@host:port/dbname`` (``postgres://`` also works)."""
        return cls(url, read_only=read_only, key_store=key_store)

    @contextmanager
    def _transaction(self) -> Iterator[Any]:
        with self._translated(), self._conn.transaction(), self._conn.cursor() as cur:
            yield self._guard(cur)

    @contextmanager
    def _translated(self) -> Iterator[None]:
        """Driver errors raised past the cursor (a failed ``COPY``, ``COMMIT``) translated."""
        try:
            yield
        except Exception as exc:
            better = self._translate(exc)
            if better is None:
                raise
            raise better from exc

    def _cursor(self) -> Any:
        return self._guard(self._conn.cursor())

    @contextmanager
    def _snapshot(self) -> Iterator[Any]:
        with self._lock, self._translated(), self._conn.transaction(), self._conn.cursor() as cur:
            guarded = self._guard(cur)
            guarded.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            yield guarded

    def _insert(
        self, cur: Any, table: str, columns: Sequence[str], rows: Iterable[Any], bulk: bool
    ) -> None:
        if not bulk:
            super()._insert(cur, table, columns, rows, bulk)
            return
        types = self._column_types(cur, table, columns)
        statement = f"COPY {table} ({', '.join(columns)}) FROM STDIN (FORMAT BINARY)"
        with cur.copy(statement) as copy:
            copy.set_types(types)
            write_row = copy.write_row
            for row in rows:
                write_row(row)

    def _column_types(self, cur: Any, table: str, columns: Sequence[str]) -> list[str]:
        """The PostgreSQL type names of ``columns`` (binary ``COPY`` sends each in its type)."""
        known = self._types.get(table)
        if known is None:
            cur.execute(
                "SELECT column_name, udt_name FROM information_schema.columns"
                " WHERE table_schema = current_schema() AND table_name = %s",
                (table,),
            )
            known = self._types[table] = dict(cur.fetchall())
        return [known[column.strip('"')] for column in columns]

    def close(self) -> None:
        """Close the connection (idempotent)."""
        self._conn.close()


@hookimpl
def appeal_open_store(url: str, read_only: bool, key_store: KeyStore | None) -> Store | None:
    """A ``PostgresStore`` for ``postgresql://`` and ``postgres://`` URLs (read-only when asked;
    a deployment's own key store when a plugin gives one)."""
    if url.split(":", 1)[0] not in SCHEMES:
        return None
    return PostgresStore.from_url(url, read_only=read_only, key_store=key_store)


@hookimpl
def appeal_store_schemes() -> Iterable[str]:
    """This plugin opens ``postgresql://`` (alias ``postgres://``)."""
    return list(SCHEMES)
