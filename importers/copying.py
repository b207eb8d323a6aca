"""Inserting an import's rows as they are made: PostgreSQL's COPY, `bulk_create` elsewhere.

    with inserting(Article, ids=len(new)) as add:
        for article in new:
            ...                 # the last of the work on this row
            add(article)        # on PostgreSQL, on its way to the database now

On PostgreSQL the rows stream to the server as they are added, so the server inserts them
(and runs the search vector's trigger on each, `articles` migration 0002) while this process
makes the next ones: on a machine with two cores the two halves of the work overlap instead of
taking turns, and COPY spares building and binding one large INSERT. Primary keys, when the
caller needs them at once (`ids`), are taken from the table's sequence in one query before
the first row. On other databases (SQLite) the rows are kept and written by `bulk_create` when
the block ends. Either way a row the database refuses fails the whole block, as a
`DatabaseError`, within the caller's transaction.

Values go through each field's own `pre_save` and `get_db_prep_save`, as `bulk_create` does
(a text, number or key those would hand back unchanged is sent as it is, without the calls);
no signal is sent (neither does `bulk_create`).
"""

from contextlib import contextmanager
from operator import attrgetter

from django.db import connections, router
from django.db.backends.base.operations import BaseDatabaseOperations
from django.db.models import (
    AutoField,
    BigAutoField,
    BooleanField,
    CharField,
    Field,
    ForeignKey,
    IntegerField,
    SmallAutoField,
    TextField,
)
from django.db.models.fields import AutoFieldMixin

AUTO = (AutoField, BigAutoField, SmallAutoField)
# The value types each `get_prep_value` gives back unchanged (`None` stays `None`).
_UNCHANGED = {
    CharField.get_prep_value: frozenset({str, type(None)}),
    TextField.get_prep_value: frozenset({str, type(None)}),
    IntegerField.get_prep_value: frozenset({int, type(None)}),
    BooleanField.get_prep_value: frozenset({bool, type(None)}),
}


def _columns(model, with_pk):
    return [
        field for field in model._meta.concrete_fields
        if not (field.primary_key and isinstance(field, AUTO) and not with_pk)
        and not getattr(field, "generated", False)
        # Filled by the database's trigger, whatever is sent (articles' search vector).
        and field.get_internal_type() != "SearchVectorField"
    ]


def _as_is(field, connection):
    """The value types `field` sends to the database exactly as the object holds them: those
    for which `get_db_prep_save(pre_save(obj))` is the value itself. An import binds every
    column of tens of thousands of rows, and the half-dozen calls Django makes per value were
    a fair part of a row's cost; the other types (dates, JSON, expressions …) take Django's
    own way."""
    kind = type(field)
    if kind.pre_save is not Field.pre_save:  # dates set on saving, files …
        return frozenset()
    if isinstance(field, ForeignKey):
        if kind.get_db_prep_save is not ForeignKey.get_db_prep_save:
            return frozenset()
        # None is None; a key is its target's value, as the target prepares it.
        return _as_is(field.target_field, connection) & {int, type(None)}
    if kind.get_db_prep_save is not Field.get_db_prep_save:
        return frozenset()
    if kind.get_db_prep_value is AutoFieldMixin.get_db_prep_value:
        # The key as given, unless the backend checks keys (MySQL refuses 0).
        checks = type(connection.ops).validate_autopk_value
        if checks is not BaseDatabaseOperations.validate_autopk_value:
            return frozenset()
    elif kind.get_db_prep_value is IntegerField.get_db_prep_value:
        # The number as given, unless the backend wraps it (psycopg 3's typed integers).
        adapts = type(connection.ops).adapt_integerfield_value
        if adapts is not BaseDatabaseOperations.adapt_integerfield_value:
            return frozenset()
    elif kind.get_db_prep_value is not Field.get_db_prep_value:
        return frozenset()
    return _UNCHANGED.get(kind.get_prep_value, frozenset())


def row_of(fields, connection):
    """`row(obj)`: the values of `fields` for the database, each through the field's own
    `pre_save` and `get_db_prep_save` unless it would come out as the object holds it
    (`_as_is`)."""
    as_is = [_as_is(field, connection) for field in fields]
    get = attrgetter(*[field.attname for field in fields])
    values = get if len(fields) > 1 else lambda obj: (get(obj),)

    def row(obj):
        return [
            value if type(value) in unchanged
            else field.get_db_prep_save(field.pre_save(obj, True), connection)
            for field, unchanged, value in zip(fields, as_is, values(obj), strict=True)
        ]

    return row


@contextmanager
def inserting(model, *, ids=0):
    """Yield `add(obj)`, inserting each object's row; with `ids` (how many objects will be
    added), each gets its primary key as it is added."""
    alias = router.db_for_write(model)
    connection = connections[alias]
    added = []
    if connection.vendor != "postgresql":
        yield added.append
        model._base_manager.using(alias).bulk_create(added)
        return
    opts = model._meta
    free = iter(_allocate(connection, model, ids)) if ids else None
    fields = _columns(model, with_pk=free is not None)
    names = ", ".join(connection.ops.quote_name(field.column) for field in fields)
    statement = f"COPY {connection.ops.quote_name(opts.db_table)} ({names}) FROM STDIN"
    # The driver's errors become Django's (IntegrityError …), as a query's would.
    with (
        connection.cursor() as cursor,
        connection.wrap_database_errors,
        cursor.cursor.copy(statement) as copy,
    ):

        row = row_of(fields, connection)

        def add(obj):
            if free is not None:
                obj.pk = next(free)
            copy.write_row(row(obj))
            added.append(obj)

        yield add
    for obj in added:  # as bulk_create leaves them: saved, in this database
        obj._state.adding, obj._state.db = False, alias


@contextmanager
def inserting_rows(model, fields):
    """Yield `add(values)`, inserting one row of `fields` (attribute names, "tag_id" …) per
    tuple of values, as `inserting` does but with no model instance made or field consulted:
    for the rows an import makes by the ten thousand (topics', bylines', redirects'), whose
    values (ids, numbers, text) the database takes as they are. `fields` must be every column
    but the automatic key, since no model default fills the ones left out."""
    alias = router.db_for_write(model)
    connection = connections[alias]
    expected = {field.attname for field in _columns(model, with_pk=False)}
    if set(fields) != expected:
        raise ValueError(f"{model.__name__} rows need {sorted(expected)}, not {sorted(fields)}.")
    if connection.vendor != "postgresql":
        rows = []
        yield rows.append
        model._base_manager.using(alias).bulk_create(
            [model(**dict(zip(fields, row, strict=True))) for row in rows]
        )
        return
    quote = connection.ops.quote_name
    names = ", ".join(quote(model._meta.get_field(name).column) for name in fields)
    statement = f"COPY {quote(model._meta.db_table)} ({names}) FROM STDIN"
    with (
        connection.cursor() as cursor,
        connection.wrap_database_errors,
        cursor.cursor.copy(statement) as copy,
    ):
        yield copy.write_row


def _allocate(connection, model, count):
    """`count` primary keys from the table's sequence, in one query."""
    pk = model._meta.pk
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
            [model._meta.db_table, pk.column, count],
        )
        return [row[0] for row in cursor.fetchall()]


def refresh_statistics(*tables):
    """ANALYZE (PostgreSQL) the columns named of each (model, [field names]): only those, so
    that a table of long texts and search vectors is sampled in a fraction of the time."""
    for model, names in tables:
        connection = connections[router.db_for_write(model)]
        if connection.vendor != "postgresql":
            continue
        quote = connection.ops.quote_name
        columns = ", ".join(quote(model._meta.get_field(name).column) for name in names)
        with connection.cursor() as cursor:
            cursor.execute(f"ANALYZE {quote(model._meta.db_table)} ({columns})")
