"""The results as a plain-text table (printed) and as docs/performance.md (Markdown)."""

from __future__ import annotations

from collections.abc import Sequence

from harness import Section

COLUMNS = ("Benchmark", "Case", "Median", "Ratio", "Detail")


def _cells(section: Section) -> list[tuple[str, ...]]:
    cells = []
    for row in section.rows:
        detail = row.detail if row.status == "ok" else f"{row.status}: {row.detail}"
        cells.append((section.title, row.case, row.value, row.ratio, detail))
    return cells


def text_table(sections: Sequence[Section], width: int = 60) -> str:
    """Aligned columns; long details are cut at ``width`` characters (the Markdown has them)."""
    rows = [
        tuple(cell if len(cell) <= width else cell[: width - 1] + "…" for cell in row)
        for section in sections
        for row in _cells(section)
    ]
    widths = [max(len(row[i]) for row in [COLUMNS, *rows]) for i in range(len(COLUMNS))]

    def line(row: Sequence[str]) -> str:
        return "  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip()

    rule = "  ".join("-" * w for w in widths)
    return "\n".join([line(COLUMNS), rule, *(line(row) for row in rows)])


def _escape(cell: str) -> str:
    return cell.replace("|", "\\|").replace("\n", " ")


def markdown_table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join(" --- " for _ in header) + "|"]
    lines += ["| " + " | ".join(_escape(cell) for cell in row) + " |" for row in rows]
    return "\n".join(lines)


def markdown(
    sections: Sequence[Section],
    machine: dict[str, str],
    versions: dict[str, str],
    run: dict[str, str],
) -> str:
    """The whole of docs/performance.md."""
    out = [
        "# Performance",
        "",
        "Written by `make bench` (`benchmarks/run.py`); do not edit by hand. Every figure is the "
        "median of the runs shown, and every ratio compares two things measured in the same bench "
        "run, alternately, on the machine below. Each benchmark first checks that what it times "
        "gives the right result (tasks executed, scores, package contents, registration calls, "
        "the code in the image); a failed check is shown instead of a time.",
        "",
        "Re-run: `make bench` (about 50 minutes on 2 cores, section 8 about 24 of them); "
        "`BENCH_REPEATS=N make bench` scales "
        "the repeats (default 5); `.venv/bin/python benchmarks/run.py --only overhead,shim` runs "
        "a subset. The code is in `benchmarks/` (one module per benchmark).",
        "",
        "## Machine and versions",
        "",
        markdown_table(("", ""), [*machine.items(), *versions.items(), *run.items()]),
        "",
        "## Summary",
        "",
        markdown_table(
            ("Benchmark", "Case", "Median", "Ratio"),
            [row[:4] for section in sections for row in _cells(section)],
        ),
    ]
    for number, section in enumerate(sections, 1):
        out += ["", f"## {number}. {section.title}", "", section.about, ""]
        out.append(
            markdown_table(
                ("Case", "Median", "Ratio", "Detail"),
                [
                    (
                        row.case,
                        row.value,
                        row.ratio,
                        row.detail if row.status == "ok" else f"**{row.status}**: {row.detail}",
                    )
                    for row in section.rows
                ],
            )
        )
        if section.notes:
            out += ["", *(f"- {note}" for note in section.notes)]
        out += ["", f"_This benchmark took {section.seconds:.0f} s, setup included._"]
    return "\n".join(out) + "\n"
