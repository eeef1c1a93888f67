#!/usr/bin/env python3
"""Proves the ABI check catches a broken table: for WSPUPCALLTABLE and WSPPROC_TABLE in
ws2emu/ws2spi.h, removes each member in turn and swaps each adjacent pair, compiles
abi_native.c against the mutated header, and expects the build to fail with a message naming
the member. Usage: mutate_tables.py INCLUDE_DIR ABI_SOURCE CC [CC_ARGS...]"""
import os
import re
import shutil
import subprocess
import sys
import tempfile

TABLES = ("_WSPUPCALLTABLE", "_WSPPROC_TABLE")


def table_lines(text, tag):
    """Returns (first, last) line indexes of the member lines of `typedef struct tag {`."""
    lines = text.split("\n")
    start = next(i for i, l in enumerate(lines) if l.strip() == "typedef struct %s {" % tag)
    end = next(i for i in range(start, len(lines)) if lines[i].startswith("}"))
    return lines, start + 1, end


def member_name(line):
    return re.match(r"\s*\w+\s+(\w+);", line).group(1)


def compile_with(header_text, include_dir, source, cc):
    with tempfile.TemporaryDirectory() as tmp:
        inc = os.path.join(tmp, "include")
        shutil.copytree(include_dir, inc)
        with open(os.path.join(inc, "ws2emu", "ws2spi.h"), "w") as f:
            f.write(header_text)
        proc = subprocess.run(
            cc + ["-fsyntax-only", "-I", inc, "-I", os.path.dirname(source), source],
            capture_output=True, text=True)
        return proc.returncode, proc.stdout + proc.stderr


def main():
    include_dir, source, cc = sys.argv[1], sys.argv[2], sys.argv[3:]
    with open(os.path.join(include_dir, "ws2emu", "ws2spi.h")) as f:
        original = f.read()
    rc, out = compile_with(original, include_dir, source, cc)
    if rc != 0:
        print("the unmodified header does not pass the check:\n" + out)
        return 1
    passed = failed = 0
    for tag in TABLES:
        lines, first, last = table_lines(original, tag)
        cases = []
        for i in range(first, last):
            mutated = lines[:i] + lines[i + 1:]
            cases.append(("remove %s" % member_name(lines[i]), mutated, [member_name(lines[i])]))
        for i in range(first, last - 1):
            mutated = list(lines)
            mutated[i], mutated[i + 1] = mutated[i + 1], mutated[i]
            names = [member_name(lines[i]), member_name(lines[i + 1])]
            cases.append(("swap %s and %s" % tuple(names), mutated, names))
        for what, mutated, names in cases:
            rc, out = compile_with("\n".join(mutated), include_dir, source, cc)
            if rc != 0 and any(n in out for n in names):
                passed += 1
            else:
                failed += 1
                print("NOT CAUGHT: %s in %s (exit %d)\n%s" % (what, tag, rc, out))
    print("%d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
