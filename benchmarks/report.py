"""The results table printed by ``python -m benchmarks``."""

from __future__ import annotations

COLUMNS = ("operation", "database", "size", "median ms", "queries", "target", "result")
RIGHT_ALIGNED = {"size", "median ms", "queries"}
MISS_MARK = "FAIL  <-- target missed"
ERROR_MARK = "ERROR <-- not measured"


def _cells(row: dict) -> dict[str, str]:
    median = row.get("median_ms")
    queries = row.get("queries")
    if row["status"] == "pass":
        result = "pass"
    elif row["status"] == "FAIL":
        result = MISS_MARK
    else:
        result = ERROR_MARK
    return {
        "operation": row["operation"],
        "database": row["database"],
        "size": f"{row['size']:,}",
        "median ms": "-" if median is None else f"{median:,.1f}",
        "queries": "n/a" if queries is None else str(queries),
        "target": row["target"],
        "result": result,
    }


def table(rows: list[dict]) -> str:
    cells = [_cells(row) for row in rows]
    widths = {col: max([len(col)] + [len(c[col]) for c in cells]) for col in COLUMNS}

    def line(values: dict[str, str]) -> str:
        parts = [
            values[col].rjust(widths[col]) if col in RIGHT_ALIGNED else values[col].ljust(widths[col])
            for col in COLUMNS
        ]
        return "  ".join(parts).rstrip()

    out = [line({col: col for col in COLUMNS}), line({col: "-" * widths[col] for col in COLUMNS})]
    out.extend(line(c) for c in cells)
    return "\n".join(out)


def header(*, repeat: int) -> str:
    return "\n".join(
        [
            f"Median of {repeat} timed runs after 1 warm-up (sample-data generation: a single run).",
            "Page rows are server time: django.test.Client.get() in-process as a signed-in administrator",
            "(middleware, view, queries, template; no web server or network). Process rows are the wall",
            "clock of the whole command, start-up included. Queries: counted with CaptureQueriesContext on",
            "one extra untimed run (for a command, an extra untimed run of it in a process of its own).",
            "Targets hold at every size; they are set for an inventory of 100,000 models.",
        ]
    )


def footer(rows: list[dict]) -> str:
    misses = [row for row in rows if row["status"] == "FAIL"]
    errors = [row for row in rows if row["status"] == "error"]
    lines = []
    for row in misses:
        lines.append(f"MISSED: {row['operation']} ({row['database']}, {row['size']:,}): {'; '.join(row['misses'])}")
    grouped: dict[tuple[str, int, str], list[str]] = {}
    for row in errors:
        grouped.setdefault((row["database"], row["size"], row["error"]), []).append(row["operation"])
    for (database, size, error), operations in grouped.items():
        lines.append(f"ERROR: {', '.join(operations)} ({database}, {size:,}): {error}")
    for row in rows:
        if row.get("note"):
            lines.append(f"NOTE: {row['operation']} ({row['database']}, {row['size']:,}): {row['note']}")
    measured = len(rows) - len(errors)
    lines.append(
        f"{measured - len(misses)} of {measured} measured row(s) met their target; "
        f"{len(misses)} missed; {len(errors)} could not be measured."
    )
    return "\n".join(lines)
