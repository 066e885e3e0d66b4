"""Run every benchmark, one after the other, and print their tables.

    make bench            # or: .venv/bin/python benchmarks/run.py [--ml100k PATH/u.data]

Results are recorded, with the date and machine, in benchmarks/README.md.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
BENCHMARKS = ["bench_book.py", "bench_numerics.py", "bench_recsys.py", "bench_grading.py"]


def main(argv: list[str]) -> int:
    failed = 0
    for name in BENCHMARKS:
        print(f"\n## {name}\n", flush=True)
        extra = argv if name == "bench_recsys.py" else []
        failed += subprocess.run([sys.executable, str(HERE / name), *extra]).returncode != 0
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
