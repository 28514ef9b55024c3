"""The Python side of the differential test: runs the shared JSON cases against sqlite-utils.

Usage: python3 runner.py CASE_FILE... > results.json

Standard library and sqlite_utils only. Each case runs its steps on a fresh in-memory database; the output maps
each case name to the step results, the first error (step index and Slicewise error code) and a dump of the
database (node-runner.ts writes the same shape, and differential.test.ts compares the two).
"""

import datetime
import json
import sqlite3
import sys

import sqlite_utils
from sqlite_utils.db import AlterError, InvalidColumns, NotFoundError, PrimaryKeyRequired

TYPES = {
    "INTEGER": "INTEGER",
    "REAL": "FLOAT",
    "FLOAT": "FLOAT",
    "TEXT": "TEXT",
    "BLOB": "BLOB",
    "int": int,
    "float": float,
    "str": str,
    "bytes": bytes,
    "bool": bool,
}


def decode(value):
    """Tagged JSON values: {"$bytes": hex}, {"$bigint": "digits"}, {"$float": n}, {"$date": iso}, {"$datetime": iso}."""
    if isinstance(value, list):
        return [decode(item) for item in value]
    if isinstance(value, dict):
        if len(value) == 1:
            ((key, inner),) = value.items()
            if key == "$bytes":
                return bytes.fromhex(inner)
            if key == "$bigint":
                return int(inner)
            if key == "$float":
                return float(inner)
            if key == "$date":
                return datetime.date.fromisoformat(inner)
            if key == "$datetime":
                return datetime.datetime.fromisoformat(inner)
        return {key: decode(inner) for key, inner in value.items()}
    return value


def encode(value):
    """Step results as JSON: bytes tagged, integers past 2^53 tagged, tuples as lists."""
    if isinstance(value, bytes):
        return {"$bytes": value.hex()}
    if isinstance(value, bool):
        return value
    if isinstance(value, int) and abs(value) > 2**53:
        return {"$bigint": str(value)}
    if isinstance(value, (list, tuple)):
        return [encode(item) for item in value]
    if isinstance(value, dict):
        return {key: encode(inner) for key, inner in value.items()}
    return value


def pk_of(value):
    return tuple(value) if isinstance(value, list) else value


def foreign_keys(specs):
    return [
        (spec["column"], spec["otherTable"], spec["otherColumn"]) if "otherColumn" in spec else (spec["column"], spec["otherTable"])
        for spec in specs
    ]


def write_options(options):
    names = {
        "pk": "pk",
        "notNull": "not_null",
        "defaults": "defaults",
        "alter": "alter",
        "ignore": "ignore",
        "replace": "replace",
        "batchSize": "batch_size",
        "hashId": "hash_id",
        "hashIdColumns": "hash_id_columns",
        "conversions": "conversions",
        "columnOrder": "column_order",
    }
    kwargs = {names[key]: decode(value) for key, value in options.items() if key in names}
    if "pk" in kwargs and isinstance(kwargs["pk"], list):
        kwargs["pk"] = tuple(kwargs["pk"])
    if "columnTypes" in options:
        kwargs["columns"] = {name: TYPES[kind] for name, kind in options["columnTypes"].items()}
    if "foreignKeys" in options:
        kwargs["foreign_keys"] = foreign_keys(options["foreignKeys"])
    unknown = set(options) - set(names) - {"columnTypes", "foreignKeys"}
    if unknown:
        raise KeyError("runner.py does not know the options {}".format(sorted(unknown)))
    return kwargs


def rows_options(options):
    names = {"select": "select", "orderBy": "order_by", "limit": "limit", "offset": "offset"}
    options = {key: value for key, value in options.items() if key != "safeIntegers"}
    return {names[key]: value for key, value in options.items()}


def run_step(db, tables, step):
    op = step["op"]
    table = None
    if "table" in step:  # one Table object per name, as db.table() caches handles: last_pk lives on it
        table = tables.setdefault(step["table"], db[step["table"]])
    options = step.get("options", {})
    if op == "insert":
        table.insert(decode(step["row"]), **write_options(options))
    elif op == "insertAll":
        table.insert_all(decode(step["rows"]), **write_options(options))
    elif op == "upsert":
        table.upsert(decode(step["row"]), **write_options(options))
    elif op == "upsertAll":
        table.upsert_all(decode(step["rows"]), **write_options(options))
    elif op == "update":
        kwargs = {"alter": options["alter"]} if "alter" in options else {}
        if "conversions" in options:
            kwargs["conversions"] = options["conversions"]
        table.update(pk_of(decode(step["pk"])), decode(step["changes"]), **kwargs)
    elif op == "delete":
        table.delete(pk_of(decode(step["pk"])))
    elif op == "deleteWhere":
        table.delete_where(step.get("where"), decode(step.get("params", [])))
    elif op == "get":
        return table.get(pk_of(decode(step["pk"])))
    elif op == "rowsWhere":
        return list(table.rows_where(step.get("where"), decode(step.get("params", [])), **rows_options(options)))
    elif op == "count":
        return table.count
    elif op == "countWhere":
        return table.count_where(step.get("where"), decode(step.get("params", [])))
    elif op == "lookup":
        kwargs = write_options({key: value for key, value in options.items() if key != "extra"})
        if "extra" in options:
            kwargs["extra_values"] = decode(options["extra"])
        return table.lookup(decode(step["values"]), **kwargs)
    elif op == "lastPk":
        return table.last_pk
    elif op == "create":
        columns = {name: TYPES[kind] for name, kind in step["columns"].items()}
        kwargs = write_options({key: value for key, value in options.items() if key not in ("ifNotExists", "transform")})
        if options.get("ifNotExists"):
            kwargs["if_not_exists"] = True
        if options.get("transform"):
            kwargs["transform"] = True
        table.create(columns, **kwargs)
    elif op == "createIndex":
        names = {"name": "index_name", "unique": "unique", "ifNotExists": "if_not_exists", "findUniqueName": "find_unique_name"}
        table.create_index(step["columns"], **{names[key]: value for key, value in options.items()})
    elif op == "addColumn":
        names = {"fk": "fk", "fkColumn": "fk_col", "notNullDefault": "not_null_default"}
        kind = TYPES[step["type"]] if "type" in step else None
        table.add_column(step["name"], kind, **{names[key]: decode(value) for key, value in options.items()})
    elif op == "addForeignKey":
        table.add_foreign_key(step["column"], step.get("otherTable"), step.get("otherColumn"))
    elif op == "transform":
        kwargs = {}
        for key, value in options.items():
            if key == "types":
                kwargs["types"] = {name: TYPES[kind] for name, kind in value.items()}
            elif key == "pk":
                kwargs["pk"] = tuple(value) if isinstance(value, list) else value
            elif key == "notNull":
                kwargs["not_null"] = set(value) if isinstance(value, list) else value
            elif key == "dropForeignKeys":
                kwargs["drop_foreign_keys"] = value
            elif key == "columnOrder":
                kwargs["column_order"] = value
            elif key in ("rename", "drop", "defaults"):
                kwargs[key] = decode(value)
            else:
                raise KeyError("runner.py does not know the transform option {}".format(key))
        table.transform(**kwargs)
    elif op == "extract":
        names = {"table": "table", "fkColumn": "fk_column", "rename": "rename"}
        table.extract(step["columns"], **{names[key]: value for key, value in options.items()})
    elif op == "enableFts":
        names = {"tokenize": "tokenize", "createTriggers": "create_triggers", "replace": "replace"}
        table.enable_fts(step["columns"], **{names[key]: value for key, value in options.items()})
    elif op == "search":
        names = {"limit": "limit", "offset": "offset", "quote": "quote"}
        return list(table.search(step["query"], **{names[key]: value for key, value in options.items()}))
    elif op == "drop":
        table.drop(ignore=options.get("ignore", False))
    elif op == "execute":
        db.execute(step["sql"], decode(step.get("params", [])))
    elif op == "query":
        return list(db.query(step["sql"], decode(step.get("params", []))))
    else:
        raise KeyError("runner.py does not know the op {}".format(op))
    return None


def error_code(error):
    """The Slicewise error code @slicewise/db uses for the same failure."""
    message = str(error)
    if isinstance(error, NotFoundError):
        return "NOT_FOUND"
    if isinstance(error, sqlite3.IntegrityError):
        if any(word in message for word in ("UNIQUE", "PRIMARY KEY", "FOREIGN KEY")):
            return "CONFLICT"
        return "VALIDATION"
    if isinstance(error, (AlterError, InvalidColumns, PrimaryKeyRequired)):
        return "VALIDATION"
    if isinstance(error, sqlite3.OperationalError):
        if "has no column named" in message:
            return "VALIDATION"
        if "locked" in message:
            return "TIMEOUT"
        return "INTERNAL"
    if isinstance(error, (ValueError, AssertionError, TypeError, KeyError, IndexError)):
        return "MISUSE"
    return "INTERNAL"


def quoted(name):
    return '"{}"'.format(name.replace('"', '""'))


def dump(db):
    conn = db.conn
    tables = {}
    names = [
        row[0]
        for row in conn.execute(
            "SELECT name FROM pragma_table_list WHERE schema = 'main' AND type IN ('table', 'virtual') "
            "AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY name"
        )
    ]
    for name in names:
        columns = [
            [row[1], row[2], row[3], row[4], row[5]]
            for row in conn.execute("SELECT * FROM pragma_table_info(?) ORDER BY cid", [name])
        ]
        indexes = []
        for index in conn.execute("SELECT name, \"unique\", origin, partial FROM pragma_index_list(?)", [name]):
            cols = [row[0] for row in conn.execute("SELECT name FROM pragma_index_info(?) ORDER BY seqno", [index[0]])]
            indexes.append([index[0], cols, index[1], index[2], index[3]])
        indexes.sort(key=lambda item: item[0])
        fks = sorted(
            ([row[3], row[2], row[4]] for row in conn.execute("SELECT * FROM pragma_foreign_key_list(?)", [name])),
            key=lambda fk: "\0".join(str(part) for part in fk),
        )
        virtual = conn.execute("SELECT type FROM pragma_table_list WHERE name = ?", [name]).fetchone()[0] == "virtual"
        rows = []
        if columns and not virtual:
            select = ", ".join("typeof({0}) || ':' || quote({0})".format(quoted(c[0])) for c in columns)
            rows = [list(row) for row in conn.execute("SELECT {} FROM {} ORDER BY rowid".format(select, quoted(name)))]
        tables[name] = {"columns": columns, "indexes": indexes, "foreignKeys": fks, "rows": rows, "virtual": virtual}
    triggers = sorted(row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'"))
    return {"tables": tables, "triggers": triggers}


def run_case(case):
    db = sqlite_utils.Database(memory=True)
    db.conn.execute("PRAGMA foreign_keys = ON")  # as @slicewise/db opens every database
    results = []
    error = None
    tables = {}
    for index, step in enumerate(case["steps"]):
        try:
            results.append(encode(run_step(db, tables, step)))
        except KeyError as problem:
            if "runner.py does not know" in str(problem):
                raise
            error = {"step": index, "code": error_code(problem)}
            break
        except Exception as problem:  # every failure of the library is a result to compare
            error = {"step": index, "code": error_code(problem), "message": str(problem)}
            break
    state = dump(db)
    db.close()
    if error is not None:
        error.pop("message", None)
    return {"results": results, "error": error, **state}


def main(paths):
    output = {}
    for path in paths:
        with open(path, encoding="utf-8") as file:
            for case in json.load(file)["cases"]:
                if case["name"] in output:
                    raise SystemExit("case {} is defined twice".format(case["name"]))
                output[case["name"]] = run_case(case)
    json.dump(output, sys.stdout, ensure_ascii=False)


if __name__ == "__main__":
    main(sys.argv[1:])
