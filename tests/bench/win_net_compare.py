#!/usr/bin/env python3
"""Runs win_net_bench.exe under ws2emu-run, its native build (win-net-floor: the same loops on
Linux sockets) as the floor, and, when Wine is installed, the same .exe under Wine, in one run,
and prints each network figure against the floor and against Wine with the issue's targets.

Output, one line per figure and comparison:

  win_tcp_rtt ws2emu <x> floor <y> ratio <x/y> target <=1.2 met|MISSED      (us/op: lower is better)
  win_tcp_bulk ws2emu <x> floor <y> ratio <x/y> target >=0.9 met|MISSED     (MB/s: higher is better)
  win_tcp_rtt ws2emu <x> wine <z> ratio <z/x> target >=2 met|MISSED         (times faster than Wine)
  win_tcp_bulk ws2emu <x> wine <z> ratio <x/z> target >1 met|MISSED

Without Wine (or with --no-wine) the Wine lines are replaced by "wine: not found ..." / "wine: not
run (--no-wine)".

Placement and rounds are those of win_bench_compare.py: every runtime runs under `taskset -c
CPUS` (default: the first CPU this script may use; 'none' runs unpinned); the runtimes take turns
(floor, ws2emu-run, Wine; --rounds times, default 2) and each side reports its best figure
(win_net_bench itself reports the best of its repetitions). The program is one thread with both
ends of a loopback connection, so pinning costs it nothing.

Exit status: 0 when every run printed every figure (whether or not a target is met); 1 when a run
failed or a figure line is missing; 2 on bad arguments. It never judges a time, so --quick
--no-wine is the smoke test.
"""
import argparse
import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from win_bench_compare import (WinePrefix, add_runtime_arguments, find_wine,  # noqa: E402
                               find_ws2emu_run, pinning, run)

# name: (unit, lower is better).
FIGURES = {
    "win_tcp_rtt": ("us/op", True),
    "win_tcp_bulk": ("MB/s", False),
}
LINE = re.compile(r"^(\S+) ([0-9]+(?:\.[0-9]+)?) (us/op|MB/s)$")
FLOOR_TARGET = {"win_tcp_rtt": ("<=", 1.2), "win_tcp_bulk": (">=", 0.9)}
WINE_TARGET = {"win_tcp_rtt": (">=", 2.0), "win_tcp_bulk": (">", 1.0)}


def parse_figures(label, status, output):
    """The {name: value} a run printed; None (after saying why) if it failed or missed a line."""
    figures = {}
    for line in output.splitlines():
        m = LINE.match(line.strip())
        if m and m.group(1) in FIGURES and m.group(3) == FIGURES[m.group(1)][0]:
            figures[m.group(1)] = float(m.group(2))
    missing = [name for name in FIGURES if name not in figures]
    if status != 0 or missing:
        print(f"{label}: exit status {status}, missing {missing or 'nothing'}; output:")
        print(output.rstrip())
        return None
    return figures


def keep_best(best, figures):
    for name, value in figures.items():
        lower = FIGURES[name][1]
        if name not in best:
            best[name] = value
        else:
            best[name] = min(best[name], value) if lower else max(best[name], value)


def meets(ratio, target):
    op, bound = target
    return {"<=": ratio <= bound, ">=": ratio >= bound, ">": ratio > bound}[op]


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    add_runtime_arguments(parser, "win_net_bench.exe")
    parser.add_argument("--floor", help="win-net-floor (default: next to ws2emu-run's build)")
    args = parser.parse_args()
    if args.rounds < 1:
        parser.error("--rounds must be at least 1")

    ws2emu_run = args.ws2emu_run or find_ws2emu_run()
    if ws2emu_run is None or not os.access(ws2emu_run, os.X_OK):
        print("win_net_compare: ws2emu-run not found (pass --ws2emu-run)", file=sys.stderr)
        return 2
    bench_dir = os.path.join(os.path.dirname(ws2emu_run), "..", "..", "tests", "bench")
    exe = os.path.abspath(args.exe or os.path.join(bench_dir, "win_net_bench.exe"))
    floor = os.path.abspath(args.floor or os.path.join(bench_dir, "win-net-floor"))
    for path, option in [(exe, "--exe"), (floor, "--floor")]:
        if not os.path.isfile(path):
            print(f"win_net_compare: {path} not found (pass {option})", file=sys.stderr)
            return 2
    prefix = pinning("win_net_compare", args.cpus)
    if prefix is None:
        return 2
    bench_args = ["--quick"] if args.quick else []
    print(f"# win_net_compare: {' '.join(prefix) if prefix else 'unpinned'}")

    wine = None if args.no_wine else find_wine()
    best = {"floor": {}, "ws2emu": {}, "wine": {}}

    def rounds(env):
        """Every side in turn, --rounds times; False (after saying why) when a run failed."""
        for _ in range(args.rounds):
            sides = [("floor", [floor], None), ("ws2emu", [ws2emu_run, exe], None)]
            if env is not None:
                sides.append(("wine", [wine, exe], env))
            for side, command, side_env in sides:
                status, output = run(prefix + command + bench_args, env=side_env)
                figures = parse_figures(f"{side} ({command[0]})", status, output)
                if figures is None:
                    return False
                keep_best(best[side], figures)
        return True

    if wine is None:
        if not rounds(None):
            return 1
    else:
        _, version = run([wine, "--version"], timeout=60)
        print(f"# wine: {wine} ({version.strip()})")
        with WinePrefix(wine, exe, prefix, "win-net") as env:
            if not rounds(env):
                return 1

    ours, theirs, base = best["ws2emu"], best["wine"], best["floor"]
    for name, (unit, lower) in FIGURES.items():
        ratio = ours[name] / base[name] if base[name] > 0 else float("inf")
        op, bound = FLOOR_TARGET[name]
        verdict = "met" if meets(ratio, FLOOR_TARGET[name]) else "MISSED"
        print(f"{name} ws2emu {ours[name]:.2f} floor {base[name]:.2f} ratio {ratio:.2f} "
              f"target {op}{bound:g} {verdict} ({unit})")
    if wine is None:
        print("wine: " + ("not run (--no-wine)" if args.no_wine else
                          "not found (/usr/lib/wine/wine64, wine64 or wine on PATH); "
                          "no comparison"))
        return 0
    for name, (unit, lower) in FIGURES.items():
        # How many times better ws2emu is than Wine.
        if lower:
            ratio = theirs[name] / ours[name] if ours[name] > 0 else float("inf")
        else:
            ratio = ours[name] / theirs[name] if theirs[name] > 0 else float("inf")
        op, bound = WINE_TARGET[name]
        verdict = "met" if meets(ratio, WINE_TARGET[name]) else "MISSED"
        print(f"{name} ws2emu {ours[name]:.2f} wine {theirs[name]:.2f} ratio {ratio:.2f} "
              f"target {op}{bound:g} {verdict} ({unit})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
