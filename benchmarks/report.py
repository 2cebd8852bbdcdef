"""The benchmark's results as a table (printed) and as `benchmarks/results.md`.

`rows(results)` turns the measured numbers into table rows (measure, value, baseline, ratio,
target, met); `text_table` prints them; `markdown` writes the whole results file, with the
machine description and, when a `before` result is given, the numbers before the fixes.
"""

from __future__ import annotations

import os
import platform
import subprocess
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

IMPORT_TARGET = 1.5
PAGE_TARGET = 3.0
SESSION_TARGET_MB = 50.0
STARTUP_TARGET = 2.0


@dataclass(frozen=True)
class Row:
    measure: str
    value: str
    baseline: str
    ratio: str
    target: str
    met: bool | None  # None: reported, no target

    def cells(self) -> list[str]:
        met = "—" if self.met is None else ("yes" if self.met else "**no**")
        return [self.measure, self.value, self.baseline, self.ratio, self.target, met]


HEADER = ["measure", "app", "baseline", "ratio", "target", "met"]


def _ms(value: float) -> str:
    return f"{value:,.0f} ms" if value >= 10 else f"{value:.1f} ms"


def rows(results: dict) -> list[Row]:
    """Every measured number against its baseline and target."""
    out: list[Row] = []
    imp = results.get("import")
    if imp:
        app, duck = imp["app"], imp["duckdb"]
        ratio = app["seconds"] / duck["seconds"]
        out.append(Row(f"Predictions import, time ({imp['rows']:,} rows)",
                       f"{app['seconds']:.2f} s", f"{duck['seconds']:.2f} s (DuckDB read_csv)",
                       f"{ratio:.2f}×", f"≤ {IMPORT_TARGET}×", ratio <= IMPORT_TARGET))
        if "cpu_seconds" in app:
            out.append(Row("Predictions import, CPU time (all threads)",
                           f"{app['cpu_seconds']:.2f} s", f"{duck['cpu_seconds']:.2f} s",
                           f"{app['cpu_seconds'] / duck['cpu_seconds']:.2f}×", "—", None))
        ratio = app["peak_mb"] / duck["peak_mb"]
        out.append(Row("Predictions import, peak RSS of the process", f"{app['peak_mb']:,.0f} MB",
                       f"{duck['peak_mb']:,.0f} MB", f"{ratio:.2f}×", f"≤ {IMPORT_TARGET}×",
                       ratio <= IMPORT_TARGET))
        ratio = app["import_mb"] / duck["import_mb"]
        out.append(Row("Predictions import, memory the import added",
                       f"{app['import_mb']:,.0f} MB", f"{duck['import_mb']:,.0f} MB",
                       f"{ratio:.2f}×", f"≤ {IMPORT_TARGET}×", ratio <= IMPORT_TARGET))
    pages = results.get("pages")
    if pages:
        empty = pages["baseline"]["warm_ms"]
        frame = pages["frame"]["warm_ms"]
        out.append(Row("Empty page in the app's frame (sidebar, navigation), warm",
                       _ms(frame), f"{_ms(empty)} (st.title only)", f"{frame / empty:.1f}×",
                       "—", None))
        for file, page in pages["pages"].items():
            ratio = page["warm_ms"] / empty
            out.append(Row(f"Page {file}, warm rerun", _ms(page["warm_ms"]),
                           _ms(empty), f"{ratio:.2f}× ({page['warm_ms'] / frame:.1f}× frame)",
                           f"≤ {PAGE_TARGET}×", ratio <= PAGE_TARGET))
    memory = results.get("memory")
    if memory:
        delta = memory["delta_mb"]
        out.append(Row(f"Server RSS, {memory['sessions']} browser sessions vs 1",
                       f"{memory['many_mb']:,.0f} MB", f"{memory['one_mb']:,.0f} MB",
                       f"+{delta:,.0f} MB", f"< +{SESSION_TARGET_MB:.0f} MB",
                       delta < SESSION_TARGET_MB))
    start = results.get("startup")
    if start:
        ratio = start["app_heading_s"] / start["baseline_heading_s"]
        out.append(Row("Start → first page heading shown", f"{start['app_heading_s']:.2f} s",
                       f"{start['baseline_heading_s']:.2f} s (one-line app)", f"{ratio:.2f}×",
                       f"≤ {STARTUP_TARGET}×", ratio <= STARTUP_TARGET))
        ratio = start["app_done_s"] / start["baseline_done_s"]
        out.append(Row("Start → first page fully rendered", f"{start['app_done_s']:.2f} s",
                       f"{start['baseline_done_s']:.2f} s", f"{ratio:.2f}×", "—", None))
    return out


def page_rows(pages: dict, before: dict | None = None) -> list[list[str]]:
    """Per page: cold and warm run time, and the warm time against both floors."""
    empty = pages["baseline"]["warm_ms"]
    frame = pages["frame"]["warm_ms"]

    def elements(page: dict) -> str:
        count = page.get("elements")
        return f"{count} ({page['warm_ms'] / count:.2f} ms each)" if count else ""

    table = [["st.title only (the empty page)", _ms(pages["baseline"]["cold_ms"]), _ms(empty),
              "1.0×", f"{empty / frame:.2f}×", elements(pages["baseline"]), "", ""]]
    table.append(["empty page in the app's frame", _ms(pages["frame"]["cold_ms"]), _ms(frame),
                  f"{frame / empty:.1f}×", "1.0×", elements(pages["frame"]), "", ""])
    for file, page in pages["pages"].items():
        old = (before or {}).get("pages", {}).get("pages", {}).get(file)
        errors = " (errors!)" if page.get("errors") else ""
        table.append([file + errors, _ms(page["cold_ms"]), _ms(page["warm_ms"]),
                      f"{page['warm_ms'] / empty:.1f}×", f"{page['warm_ms'] / frame:.1f}×",
                      elements(page), _ms(old["cold_ms"]) if old else "",
                      _ms(old["warm_ms"]) if old else ""])
    return table


PAGE_HEADER = ["page", "cold run", "warm rerun (median)", "warm ÷ empty page",
               "warm ÷ app frame", "elements", "cold before fixes", "warm before fixes"]


def text_table(header: list[str], body: list[list[str]]) -> str:
    """A plain-text table for the terminal."""
    widths = [max(len(str(row[i])) for row in [header, *body]) for i in range(len(header))]
    line = "  ".join("-" * w for w in widths)
    out = ["  ".join(str(c).ljust(w) for c, w in zip(header, widths, strict=True)), line]
    out += ["  ".join(str(c).ljust(w) for c, w in zip(row, widths, strict=True))
            for row in body]
    return "\n".join(out)


def markdown_table(header: list[str], body: list[list[str]]) -> str:
    out = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    out += ["| " + " | ".join(str(c).replace("|", "\\|") for c in row) + " |" for row in body]
    return "\n".join(out)


def machine() -> dict[str, str]:
    """CPU model and cores (/proc/cpuinfo), RAM, OS, Python, DuckDB, Streamlit, date."""
    import duckdb
    import streamlit

    model, cores = "unknown", os.cpu_count() or 0
    try:
        info = Path("/proc/cpuinfo").read_text()
        models = [line.split(":", 1)[1].strip() for line in info.splitlines()
                  if line.startswith("model name")]
        if models:
            model, cores = models[0], len(models)
    except OSError:
        pass
    ram = "unknown"
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                ram = f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB"
    except OSError:
        pass
    try:
        chromium = subprocess.run(["/usr/bin/chromium", "--version"], capture_output=True,
                                  text=True, timeout=30).stdout.strip()
    except OSError:
        chromium = "not found"
    return {"CPU": f"{model}, {cores} logical cores", "RAM": ram,
            "OS": f"{platform.system()} {platform.release()}",
            "Python": platform.python_version(), "DuckDB": duckdb.__version__,
            "Streamlit": streamlit.__version__, "Chromium": chromium or "unknown",
            "Load average at start": results_load(),
            "Date": datetime.now().strftime("%Y-%m-%d %H:%M")}


def results_load() -> str:
    try:
        return " ".join(Path("/proc/loadavg").read_text().split()[:3])
    except OSError:
        return "unknown"


def markdown(results: dict, before: dict | None = None, notes: str = "") -> str:
    """The whole results file."""
    sizes = results["sizes"]
    parts = [
        "# Benchmark results",
        "",
        "Generated by `python benchmarks/run.py` (do not edit by hand; the notes at the end "
        "come from `benchmarks/notes.md`).",
        "",
        f"Project: {sizes['runs']:,} runs (the demo's error fields, split sizes, 6 metrics, "
        f"3 params), {sizes['predictions']:,} per-example predictions (two runs; dev, test "
        f"and train-dev; sources; image URLs), a review sample of {sizes['tagged']:,} tagged "
        "dev mistakes, 20 decisions.",
        "",
        "## Machine",
        "",
        *[f"- {key}: {value}" for key, value in results["machine"].items()],
        "",
        "## Targets",
        "",
        markdown_table(HEADER, [row.cells() for row in rows(results)]),
        "",
    ]
    if results.get("pages"):
        parts += [
            "## Pages (AppTest, server side)",
            "",
            "Each page runs through app.py on the big project. *Cold*: the first run after "
            "the data caches are cleared (a server start or any write: every cache is keyed "
            "on the data version). *Warm*: the median of "
            f"{len(next(iter(results['pages']['pages'].values()))['warm_all_ms'])} reruns "
            "of the same page: what a user waits for on every click. The target applies to "
            "the warm rerun.",
            "",
            markdown_table(PAGE_HEADER, page_rows(results["pages"], before)),
            "",
        ]
    if before:
        code = f" on {before['code']}" if before.get("code") else ""
        parts += ["## Before the fixes", "", f"Measured {before['machine']['Date']}{code}.", "",
                  markdown_table(HEADER, [row.cells() for row in rows(before)]), ""]
    if notes:
        parts += [notes.strip(), ""]
    return "\n".join(parts)
