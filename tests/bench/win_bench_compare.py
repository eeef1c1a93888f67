#!/usr/bin/env python3
"""Runs win_bench.exe under ws2emu-run and, when Wine is installed, under Wine, in the same run,
and prints each figure side by side with the ratio (Wine's time / ws2emu's: how many times faster
ws2emu is). The issue's target is a ratio of at least 5 on every figure.

Output, one line per figure, then a verdict:

  <name> ws2emu <x> ns/op wine <y> ns/op ratio <y/x>
  target >=5x: win_event_pingpong met, win_set_reset met, ... (all met | N of 4 missed)

Without Wine: `<name> ws2emu <x> ns/op` lines and "wine: not found ..."; exit status 0.

Placement. win_bench.exe does not pin its threads (SetThreadAffinityMask is outside the
subset), so this script pins the whole process: both runtimes run under `taskset -c CPUS` (for
Wine, wineserver too: it is started under the same taskset). The default is the first CPU this
script may use, as ws2emu-bench places its ping-pongs: a wake then costs the CPU work of the path
(syscalls, a context switch, and for Wine the wineserver round trips), not the latency of waking
an idle CPU, which on a virtual machine is tens of microseconds and varies from run to run.
--cpus none runs unpinned.

Rounds. The machine may be busy with other work that comes and goes, so the two runtimes take
turns: ws2emu-run, Wine, ws2emu-run, Wine (--rounds, default 2), and each side reports its best
figure over its runs (win_bench.exe itself reports the best of its repetitions).

Wine is run with WINEDEBUG=-all in a throwaway WINEPREFIX under a temporary directory, removed at
the end (after `wineserver -k`). Creating the prefix takes a while, so `wineboot` and one --quick
run of the program come first, untimed.

Exit status: 0 when every run printed every figure (whether or not the target is met); 1 when a
run failed or a figure line is missing; 2 on bad arguments. It never judges a time, so --quick
--no-wine is the smoke test.
"""
import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile

# The figures win_bench.exe prints, in its order, and the line format it prints them in.
FIGURES = ["win_event_pingpong", "win_set_reset", "win_apc_pingpong", "win_iocp_post_get"]
LINE = re.compile(r"^(\S+) ([0-9]+(?:\.[0-9]+)?) ns/op$")
TARGET = 5.0


def find_ws2emu_run():
    """ws2emu-run in a build directory next to this script's source tree, the newest first."""
    root = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
    found = []
    for entry in os.listdir(root):
        path = os.path.join(root, entry, "emu", "run", "ws2emu-run")
        if entry.startswith("build") and os.access(path, os.X_OK):
            found.append(path)
    found.sort(key=os.path.getmtime, reverse=True)
    return found[0] if found else None


def find_wine():
    """The 64-bit Wine loader: Debian's /usr/lib/wine/wine64, else wine64 or wine on PATH."""
    for candidate in ["/usr/lib/wine/wine64", shutil.which("wine64"), shutil.which("wine")]:
        if candidate and os.access(candidate, os.X_OK):
            return candidate
    return None


def find_wineserver(wine):
    for candidate in [os.path.join(os.path.dirname(wine), "wineserver"),
                      "/usr/lib/wine/wineserver64", "/usr/lib/wine/wineserver",
                      shutil.which("wineserver")]:
        if candidate and os.access(candidate, os.X_OK):
            return candidate
    return None


def run(command, env=None, timeout=600):
    """Runs `command`; returns (exit status, stdout + stderr)."""
    try:
        done = subprocess.run(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                              timeout=timeout, check=False)
    except subprocess.TimeoutExpired as e:
        return -1, (e.stdout or b"").decode("utf-8", "replace") + "\n(timed out)"
    return done.returncode, done.stdout.decode("utf-8", "replace")


def add_runtime_arguments(parser, exe_name):
    """The options every comparison script takes: the runtime, the program, pinning, rounds."""
    parser.add_argument("--ws2emu-run", help="ws2emu-run (default: found in ../../build*)")
    parser.add_argument("--exe", help=f"{exe_name} (default: next to ws2emu-run's build)")
    parser.add_argument("--quick", action="store_true", help="tiny iteration counts (smoke)")
    parser.add_argument("--no-wine", action="store_true", help="do not run under Wine")
    parser.add_argument("--rounds", type=int, default=2,
                        help="runs of each runtime, alternating; the best of each (default 2)")
    parser.add_argument("--cpus", help="pin every runtime with taskset -c CPUS (default: the "
                        "first allowed CPU; 'none': unpinned)")


def pinning(script, cpus):
    """The `taskset -c CPUS` prefix for --cpus (default: the first CPU this process may use;
    'none': []); None, after saying why, when pinning is asked for and taskset is missing."""
    if cpus is None:
        cpus = str(min(os.sched_getaffinity(0)))
    if cpus == "none":
        return []
    if shutil.which("taskset") is None:
        print(f"{script}: pinning needs taskset (util-linux); use --cpus none", file=sys.stderr)
        return None
    return ["taskset", "-c", cpus]


class WinePrefix:
    """A throwaway WINEPREFIX for timed runs of `exe` under `wine`: `with WinePrefix(...) as env`
    creates the prefix and starts wineserver under `prefix` (the pinning), runs `exe --quick`
    once so its DLLs are loaded before the timed runs (both untimed), and on leaving stops
    wineserver and removes the directory. WINEDEBUG=-all; no Mono or Gecko install prompts."""

    def __init__(self, wine, exe, prefix, tag):
        self.wine, self.exe, self.prefix, self.tag = wine, exe, prefix, tag
        self.temp = self.env = None

    def __enter__(self):
        self.temp = tempfile.mkdtemp(prefix=f"{self.tag}-wine-")
        self.env = dict(os.environ, WINEDEBUG="-all",
                        WINEPREFIX=os.path.join(self.temp, "prefix"),
                        WINEDLLOVERRIDES="mscoree,mshtml=")
        run(self.prefix + [self.wine, "wineboot", "--init"], env=self.env, timeout=600)
        run(self.prefix + [self.wine, self.exe, "--quick"], env=self.env, timeout=600)
        return self.env

    def __exit__(self, *exc):
        wineserver = find_wineserver(self.wine)
        if wineserver is not None:
            run([wineserver, "-k"], env=self.env, timeout=60)
            run([wineserver, "-w"], env=self.env, timeout=60)
        shutil.rmtree(self.temp, ignore_errors=True)
        return False


def parse_figures(label, status, output):
    """The {name: ns/op} a run printed; None (after saying why) if it failed or missed a line."""
    figures = {}
    for line in output.splitlines():
        m = LINE.match(line.strip())
        if m:
            figures[m.group(1)] = float(m.group(2))
    missing = [name for name in FIGURES if name not in figures]
    if status != 0 or missing:
        print(f"{label}: exit status {status}, missing {missing or 'nothing'}; output:")
        print(output.rstrip())
        return None
    return figures


def keep_best(best, figures):
    """Folds one run's figures into `best`, keeping the lower time of each."""
    for name, value in figures.items():
        best[name] = min(best.get(name, value), value)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    add_runtime_arguments(parser, "win_bench.exe")
    args = parser.parse_args()
    if args.rounds < 1:
        parser.error("--rounds must be at least 1")

    ws2emu_run = args.ws2emu_run or find_ws2emu_run()
    if ws2emu_run is None or not os.access(ws2emu_run, os.X_OK):
        print("win_bench_compare: ws2emu-run not found (pass --ws2emu-run)", file=sys.stderr)
        return 2
    exe = args.exe or os.path.join(os.path.dirname(ws2emu_run), "..", "..", "tests", "bench",
                                   "win_bench.exe")
    if not os.path.isfile(exe):
        print(f"win_bench_compare: {exe} not found (pass --exe)", file=sys.stderr)
        return 2
    exe = os.path.abspath(exe)
    prefix = pinning("win_bench_compare", args.cpus)
    if prefix is None:
        return 2
    bench_args = ["--quick"] if args.quick else []
    print(f"# win_bench_compare: {' '.join(prefix) if prefix else 'unpinned'}")

    def run_ws2emu():
        status, output = run(prefix + [ws2emu_run, exe] + bench_args)
        return parse_figures("ws2emu-run", status, output)

    ours = run_ws2emu()
    if ours is None:
        return 1
    wine = None if args.no_wine else find_wine()
    if wine is None:
        for _ in range(1, args.rounds):
            figures = run_ws2emu()
            if figures is None:
                return 1
            keep_best(ours, figures)
        for name in FIGURES:
            print(f"{name} ws2emu {ours[name]:.1f} ns/op")
        print("wine: " + ("not run (--no-wine)" if args.no_wine else
                          "not found (/usr/lib/wine/wine64, wine64 or wine on PATH); "
                          "no comparison"))
        return 0

    _, version = run([wine, "--version"], timeout=60)
    print(f"# wine: {wine} ({version.strip()})")
    theirs = {}
    with WinePrefix(wine, exe, prefix, "win-bench") as env:
        for round_index in range(args.rounds):
            if round_index > 0:
                figures = run_ws2emu()
                if figures is None:
                    return 1
                keep_best(ours, figures)
            status, output = run(prefix + [wine, exe] + bench_args, env=env)
            figures = parse_figures(f"wine ({wine})", status, output)
            if figures is None:
                return 1
            keep_best(theirs, figures)

    verdicts, missed = [], 0
    for name in FIGURES:
        ratio = theirs[name] / ours[name] if ours[name] > 0 else float("inf")
        print(f"{name} ws2emu {ours[name]:.1f} ns/op wine {theirs[name]:.1f} ns/op "
              f"ratio {ratio:.2f}")
        verdicts.append(f"{name} {'met' if ratio >= TARGET else 'MISSED'}")
        missed += ratio < TARGET
    summary = "all met" if missed == 0 else f"{missed} of {len(FIGURES)} missed"
    print(f"target >={TARGET:g}x: {', '.join(verdicts)} ({summary})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
