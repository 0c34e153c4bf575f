"""Run every benchmark and print their tables: ``python bench/run.py [--quick]``.

``--quick`` runs the same tables at smaller sizes (under a minute). Results go to
``bench/results/<name>[-quick].json``; ``bench/plot.py`` draws the docs' figure from them.
"""

from __future__ import annotations

import time

import bench_codegen
import bench_exact
import bench_numeric
import bench_prove
import bench_public
from common import parser

BENCHMARKS = {
    "exact": bench_exact,
    "numeric": bench_numeric,
    "codegen": bench_codegen,
    "prove": bench_prove,
    "public": bench_public,
}


def main(argv: list[str] | None = None) -> int:
    command_line = parser(__doc__)
    command_line.add_argument("names", nargs="*", choices=[[], *BENCHMARKS], help="default: all")
    args = command_line.parse_args(argv)
    start = time.perf_counter()
    for name in args.names or BENCHMARKS:
        print(f"\n== {name} {'(quick)' if args.quick else ''}")
        BENCHMARKS[name].run(args.quick)
    print(f"\nall benchmarks: {time.perf_counter() - start:.1f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
