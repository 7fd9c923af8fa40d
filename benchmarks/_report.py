"""Medians, Markdown tables, machine description, and saving results."""

import json
import os
import platform
import statistics
from pathlib import Path
from typing import Any, Iterable, Optional, Sequence

HERE = Path(__file__).resolve().parent


def median(values: Iterable[Optional[float]]) -> Optional[float]:
    numbers = [value for value in values if value is not None]
    return statistics.median(numbers) if numbers else None


def pick(results: Sequence[dict[str, Any]], key: str) -> Optional[float]:
    """Median of ``key`` over the runs that did not fail."""
    return median(result.get(key) for result in results if "error" not in result)


def fmt(value: Optional[float], digits: int = 0, suffix: str = "") -> str:
    if value is None:
        return "n/a"
    return f"{value:,.{digits}f}{suffix}"


def ratio(value: Optional[float], reference: Optional[float]) -> str:
    if value is None or not reference:
        return "n/a"
    return f"{value / reference:.2f}x"


def table(headers: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    widths = [max(len(str(cell)) for cell in column) for column in zip(headers, *rows)]
    def line(cells: Sequence[str]) -> str:
        return "| " + " | ".join(str(cell).ljust(width) for cell, width in zip(cells, widths)) + " |"
    rule = "|" + "|".join("-" * (width + 2) for width in widths) + "|"
    return "\n".join([line(headers), rule, *(line(row) for row in rows)])


def machine() -> str:
    model = "unknown CPU"
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as cpuinfo:
            for line in cpuinfo:
                if line.startswith("model name"):
                    model = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    return f"{os.cpu_count()} CPUs ({model}), Python {platform.python_version()}, {platform.system()} {platform.release()}"


def save(name: str, data: Any) -> Path:
    folder = HERE / "results"
    folder.mkdir(exist_ok=True)
    path = folder / f"{name}.json"
    path.write_text(json.dumps(data, indent=1))
    return path


def errors(results: Sequence[dict[str, Any]]) -> str:
    failed = [result["error"] for result in results if "error" in result]
    return f" ({len(failed)} failed: {failed[0]})" if failed else ""
