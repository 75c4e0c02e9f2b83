"""Bring an existing warehouse up to the tables in tables.py, additively.

`create_all` makes missing tables but never touches existing ones, so a warehouse made
by an earlier version would lack new nullable columns (e.g. `inactive_since`) and keep
VARCHAR(10) ids where UIT keys ("CIK0000884394") need 16 characters. This adds the
missing columns and widens too-short VARCHARs; it never drops, renames or narrows
anything, so it is safe to run on every start (it runs under make_engine's lock).
A change that is not additive needs a real migration and must not be hidden here.
"""

from __future__ import annotations

from sqlalchemy import Connection, String, inspect
from sqlalchemy.schema import CreateColumn

from etf_assets.warehouse.tables import metadata


def upgrade_schema(conn: Connection) -> list[str]:
    """Apply the additive changes; return the statements run (empty when up to date)."""
    inspector = inspect(conn)
    existing_tables = set(inspector.get_table_names())
    done: list[str] = []
    for table in metadata.sorted_tables:
        if table.name not in existing_tables:
            continue
        have = {c["name"]: c for c in inspector.get_columns(table.name)}
        for column in table.columns:
            if column.name not in have:
                if not column.nullable or column.primary_key:
                    raise RuntimeError(
                        f"warehouse table {table.name} lacks NOT NULL column {column.name}: "
                        "that needs a migration, not an additive upgrade")
                ddl = CreateColumn(column).compile(dialect=conn.dialect)
                done.append(f"ALTER TABLE {table.name} ADD COLUMN {ddl}")
            elif conn.dialect.name == "postgresql" and isinstance(column.type, String):
                # SQLite does not enforce VARCHAR lengths; PostgreSQL does.
                current = getattr(have[column.name]["type"], "length", None)
                if column.type.length and current is not None and current < column.type.length:
                    done.append(f"ALTER TABLE {table.name} ALTER COLUMN {column.name} "
                                f"TYPE VARCHAR({column.type.length})")
    for statement in done:
        conn.exec_driver_sql(statement)
    # Indexes added to an existing table (create_all makes them only with new tables).
    for table in metadata.sorted_tables:
        if table.name not in existing_tables:
            continue
        have_ix = {ix["name"] for ix in inspector.get_indexes(table.name)}
        for index in sorted(table.indexes, key=lambda ix: ix.name or ""):
            if index.name and index.name not in have_ix:
                index.create(conn)
                done.append(f"CREATE INDEX {index.name}")
    return done
