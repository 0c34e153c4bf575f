"""Target 4: the whole catalogue, ``symconv prove --all``, under 60 s; where the time goes.

Runs the CLI in-process under cProfile and reports the wall time and the functions with
the most cumulative time. Reports "not available" while the prove subcommand is missing.
"""

from __future__ import annotations

import argparse
import contextlib
import cProfile
import io
import pstats
import time

from common import table, write


def run(quick: bool) -> dict[str, object]:
    from symconv import cli

    if "prove" not in getattr(cli, "SUBCOMMANDS", ()):
        result = {"available": False, "note": "symconv prove is not on this branch yet"}
        print("prove --all: not available (the prove subcommand is not on this branch yet)")
        write("prove", quick, result)
        return result
    profile = cProfile.Profile()
    output = io.StringIO()
    start = time.perf_counter()
    with contextlib.redirect_stdout(output):
        profile.enable()
        status = cli.main(["prove", "--all"])
        profile.disable()
    seconds = time.perf_counter() - start
    stats = pstats.Stats(profile)
    top = sorted(stats.stats.items(), key=lambda item: item[1][3], reverse=True)
    rows = [
        {"function": f"{path.split('/')[-1]}:{line}({name})", "cumulative_s": value[3]}
        for (path, line, name), value in top
        if "symconv" in path or "sympy" in path
    ][:15]
    result = {"available": True, "exit_status": status, "seconds": seconds, "top": rows}
    print(table(["function", "cumulative s"], [[r["function"], r["cumulative_s"]] for r in rows]))
    print(f"prove --all: {seconds:.3g} s (goal < 60 s), exit status {status}")
    write("prove", quick, result)
    return result


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    run(parser.parse_args().quick)
