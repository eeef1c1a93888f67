#!/usr/bin/env python3
"""Runs a libFuzzer binary for 30 seconds from a fresh corpus directory seeded with the given
files and directories. Usage: run_fuzz.py FUZZER CORPUS_DIR SEED..."""
import glob
import os
import shutil
import subprocess
import sys

fuzzer, corpus, seeds = sys.argv[1], sys.argv[2], sys.argv[3:]
shutil.rmtree(corpus, ignore_errors=True)
os.makedirs(corpus)
for seed in seeds:
    for path in (glob.glob(os.path.join(seed, "*.dll")) if os.path.isdir(seed) else [seed]):
        shutil.copy(path, os.path.join(corpus, os.path.basename(path)))
sys.exit(subprocess.call([fuzzer, "-max_total_time=30", "-rss_limit_mb=2048",
                          "-max_len=262144", corpus]))
