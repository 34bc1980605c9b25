"""Write the README's column tables from ``outputs/schema.py`` (the one place columns are
described), so the manual cannot drift from the data. ``--check`` exits 1 when the README
is out of date instead of writing it.

Run: .venv/bin/python scripts/readme_tables.py [--check]
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from outputs.schema import TABLES  # noqa: E402

README = ROOT / "README.md"


def table_markdown(name: str) -> str:
    """The README table of one dataset table's columns."""
    rows = ["| column | type | meaning |", "|---|---|---|"]
    for column in TABLES[name]:
        rows.append(f"| `{column.name}` | {column.frictionless_type} | "
                    f"{column.description.replace('|', '/')} |")
    return "\n".join(rows)


def render(text: str) -> str:
    """``text`` (the README) with every ``#### `table``` section's table regenerated."""
    for name in TABLES:
        pattern = re.compile(rf"(#### `{name}`\n\n)(\|.*?\n)(?=\n|\Z)", re.S)
        text, count = pattern.subn(lambda m, n=name: m.group(1) + table_markdown(n) + "\n",
                                   text)
        if count != 1:
            raise SystemExit(f"README.md: no column table under '#### `{name}`'")
    return text


def main() -> int:
    current = README.read_text("utf-8")
    wanted = render(current)
    if "--check" in sys.argv:
        if wanted != current:
            print("README.md: column tables differ from outputs/schema.py; run "
                  "scripts/readme_tables.py", file=sys.stderr)
            return 1
        return 0
    README.write_text(wanted, "utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
