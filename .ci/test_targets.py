#!/usr/bin/env python3
"""Prints the ninja targets the tests of some suites need, one per line, relative to the build
directory: what each test runs and what meson records it depends on (its `depends:` and the
targets among its arguments). .ci/run builds only these in the sanitizer and no-liburing build
directories, whose suites are a part of the tree, then runs `meson test --no-rebuild`.

usage: test_targets.py BUILD_DIR SUITE [SUITE ...]
"""
import json
import os
import subprocess
import sys


def introspect(build_dir, what):
    out = subprocess.run(["meson", "introspect", build_dir, what], check=True,
                         stdout=subprocess.PIPE).stdout
    return json.loads(out)


def main():
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    build_dir = os.path.abspath(sys.argv[1])
    suites = {"ws2emu:" + s for s in sys.argv[2:]}
    files_of = {t["id"]: t["filename"] for t in introspect(build_dir, "--targets")}
    wanted = set()
    matched = 0
    for test in introspect(build_dir, "--tests"):
        if not suites.intersection(test["suite"]):
            continue
        matched += 1
        for dep in test["depends"]:
            if dep not in files_of:
                sys.exit("test_targets.py: test %s depends on %s, which meson does not list"
                         % (test["name"], dep))
            wanted.update(files_of[dep])
        program = test["cmd"][0]
        if program.startswith(build_dir + os.sep):
            wanted.add(program)
    if matched == 0:
        sys.exit("test_targets.py: no test in the suites " + " ".join(sorted(suites)))
    for path in sorted(wanted):
        print(os.path.relpath(path, build_dir))


if __name__ == "__main__":
    main()
