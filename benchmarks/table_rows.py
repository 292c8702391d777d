"""Output shared by the benchmark scripts: Markdown rows on stdout, the same rows as JSON lines."""

from __future__ import annotations

import json
from typing import Any, Mapping


def emit(row: Mapping[str, Any], line: str, json_path: str | None) -> None:
    """Print the Markdown table ``line`` of ``row`` now, and append ``row`` to ``json_path`` (if given) as one JSON line."""
    print(line, flush=True)
    if json_path:
        with open(json_path, "a") as f:
            f.write(json.dumps(row) + "\n")
