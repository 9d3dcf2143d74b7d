#!/usr/bin/env python3
"""Count the instructions a check executes (valgrind's callgrind), for changes
too small for wall time to show on a shared machine: wall times here move by
several per cent from run to run, instruction counts by about 0.2% (the
threads share the drafts out differently each time).

    bench/instructions.py DATA_DIR TENET [--baseline OLD_TENET] [--drafts 2000]
                          [--terms terms-5000.tenet] [--format count]

DATA_DIR is what bench/prepare.py wrote. The first N drafts of its folder are
copied to a temporary one and checked with the built-in pack plus the terms
file; each binary runs once first, so its rule cache is warm and the counted
run compiles nothing the cache keeps. Instructions are not time: a change that
only makes memory reads cheaper (a layout) does not show here, and one that
trades instructions for cache misses shows better than it is. Needs valgrind.
"""

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile


def instructions(tenet, args):
    """Instructions executed by `tenet check ARGS`, every thread counted."""
    with tempfile.NamedTemporaryFile(prefix="callgrind.", delete=False) as out:
        path = out.name
    try:
        cmd = ["valgrind", "--tool=callgrind", f"--callgrind-out-file={path}",
               tenet, "check", *args]
        proc = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                              text=True)
    finally:
        os.unlink(path)
    found = re.search(r"Collected : (\d+)", proc.stderr)
    if not found:
        sys.exit(f"no instruction count from valgrind for {tenet}:\n{proc.stderr[-2000:]}")
    return int(found.group(1))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("data")
    ap.add_argument("tenet")
    ap.add_argument("--baseline", help="another tenet binary, counted on the same drafts")
    ap.add_argument("--drafts", type=int, default=2000)
    ap.add_argument("--terms", default="terms-5000.tenet")
    ap.add_argument("--format", default="count")
    a = ap.parse_args()
    if shutil.which("valgrind") is None:
        sys.exit("valgrind not found (Debian: apt-get install valgrind)")

    drafts = sorted(os.listdir(os.path.join(a.data, "drafts")))[: a.drafts]
    with tempfile.TemporaryDirectory(prefix="tenet-instructions.") as folder:
        for name in drafts:
            shutil.copy(os.path.join(a.data, "drafts", name), folder)
        args = ["--format", a.format, "--rules", os.path.join(a.data, a.terms), folder]
        binaries = [("tenet", a.tenet)] + ([("baseline", a.baseline)] if a.baseline else [])
        counts = {}
        for label, binary in binaries:
            # Warm the rule cache: the counted run then loads what it keeps.
            subprocess.run([binary, "check", *args], stdout=subprocess.DEVNULL,
                           stderr=subprocess.DEVNULL)
            counts[label] = instructions(binary, args)

    print(f"**Instructions: `tenet check --format {a.format}`, built-in pack + "
          f"`{a.terms}`, the first {len(drafts):,} drafts (callgrind, rule cache warm)**")
    print()
    print("| binary | instructions | per draft | ÷ baseline |")
    print("|---|---:|---:|---:|")
    for label, n in counts.items():
        ratio = f"{n / counts['baseline']:.3f}×" if "baseline" in counts else ""
        print(f"| {label} | {n / 1e6:,.0f}M | {n / max(len(drafts), 1) / 1e3:,.0f}k | {ratio} |")


if __name__ == "__main__":
    main()
