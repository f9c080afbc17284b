"""The PostgreSQL backend (asyncpg): the storage ports over one server several bot processes share.

Open it with :func:`bot.storage.postgres.database.open_postgres`; the stores in this package
mirror the SQLite ones in :mod:`bot.storage` method for method and pass the same contract suite
(``tests/contract``). Dates and times are stored as ``date``/``timestamptz`` and JSON as
``json``, but cross the driver as the same ISO and JSON text SQLite stores (see
:mod:`bot.storage.postgres.database`), so the codec in :mod:`bot.storage.codec` serves both.
"""
