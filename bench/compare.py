#!/usr/bin/env python3
"""Time whole commands: Tenet against ripgrep on the same inputs, in one run.

    bench/compare.py DATA_DIR TENET RG [--runs 5] [--baseline OLD_TENET] [--only TEXT]

DATA_DIR comes from bench/prepare.py. Each command runs once to warm the cache,
then --runs times; the table gives the median wall time, the largest peak
resident memory of those runs (in MB of 10^6 bytes, the unit input sizes are
given in), and ratios against the reference named in each section. With
--baseline, every Tenet command also runs with the other binary, the two
alternating run by run so that both see the same machine, and the table gains
the baseline's median and peak and the ratio new ÷ baseline. --only runs just the
sections whose title holds TEXT (e.g. `--only "18 MB file ("` with more runs,
to settle a ratio this machine's noise leaves in doubt).
"""
import argparse, os, statistics, subprocess, time


def measure(cmd, runs, stdin_text=None, cwd=None, env=None):
    times, peaks = [], []
    for i in range(runs + 1):
        start = time.perf_counter()
        proc = subprocess.Popen(cmd, cwd=cwd, env={**os.environ, **(env or {})},
                                stdin=subprocess.PIPE if stdin_text is not None else subprocess.DEVNULL,
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        if stdin_text is not None:
            proc.stdin.write(stdin_text.encode())
            proc.stdin.close()
        _, status, usage = os.wait4(proc.pid, 0)
        elapsed = time.perf_counter() - start
        code = os.waitstatus_to_exitcode(status)
        if code not in (0, 1):
            raise SystemExit(f"{' '.join(cmd)} exited with {code}")
        if i > 0:
            times.append(elapsed)
            # ru_maxrss is in KiB.
            peaks.append(usage.ru_maxrss * 1024 / 1e6)
    return statistics.median(times), max(peaks)


def measure_pair(cmd, other, runs, **kw):
    """Medians and peaks of `cmd` and `other`, run alternately."""
    a, b = [], []
    for _ in range(runs):
        a.append(measure(cmd, 1, **kw))
        b.append(measure(other, 1, **kw))
    med = lambda xs: statistics.median(x[0] for x in xs)
    return med(a), max(x[1] for x in a), (med(b), max(x[1] for x in b))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("data")
    ap.add_argument("tenet")
    ap.add_argument("rg", nargs="?")
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--baseline", help="another tenet binary, run alternately with TENET")
    ap.add_argument("--only", help="run only the sections whose title holds this text")
    a = ap.parse_args()
    d = a.data
    big = os.path.join(d, "enron-drafts.txt")
    drafts = os.path.join(d, "drafts")
    t = lambda *args: [a.tenet, "check", *args]
    rows = []

    def row(section, label, cmd, ref=None, memory_of=None, runs=None, **kw):
        """`memory_of`: the input's size in MB, to give the peak as a multiple of it.
        `runs`: more than --runs, for commands that take milliseconds."""
        if a.only and a.only not in section:
            return None
        before = None
        runs = max(runs or 0, a.runs)
        if a.baseline and cmd[0] == a.tenet:
            med, peak, before = measure_pair(cmd, [a.baseline, *cmd[1:]], runs, **kw)
        else:
            med, peak = measure(cmd, runs, **kw)
        if memory_of:
            label = f"{label} (peak = {peak / memory_of:.2f}× the input)"
        rows.append((section, label, med, peak, ref, before))
        return med

    sec = "18 MB file (10,000 Enron drafts in one file), 5,000 terms"
    rg_f = rg_i = None
    if a.rg:
        rg_f = row(sec, "`rg -c -F -f terms.txt` (case-sensitive)", [a.rg, "-c", "-F", "-f", f"{d}/terms-5000.txt", big])
        rg_i = row(sec, "`rg -c -i -F -f terms.txt`", [a.rg, "-c", "-i", "-F", "-f", f"{d}/terms-5000.txt", big])
        # `-c` counts lines and stops at a line's first match; Tenet reports every
        # match as a finding, whole words only. These do the same work as Tenet:
        row(sec, "`rg --count-matches -w -F -f terms.txt` (every whole-word match, case-sensitive)", [a.rg, "--count-matches", "-w", "-F", "-f", f"{d}/terms-5000.txt", big])
        row(sec, "`rg --count-matches -w -i -F -f terms.txt` (every whole-word match, caseless)", [a.rg, "--count-matches", "-w", "-i", "-F", "-f", f"{d}/terms-5000.txt", big])
    row(sec, "tenet, built-in pack + 5,000 terms, `--format count`", t("--format", "count", "--rules", f"{d}/terms-5000.tenet", big), ref=("rg -F", rg_f, "rg -i", rg_i))
    row(sec, "tenet, built-in pack + 5,000 terms, `--format json`", t("--format", "json", "--rules", f"{d}/terms-5000.tenet", big), ref=("rg -F", rg_f, "rg -i", rg_i))
    row(sec, "tenet, built-in pack + 5,000 terms, `--format sarif`", t("--format", "sarif", "--rules", f"{d}/terms-5000.tenet", big), ref=("rg -F", rg_f, "rg -i", rg_i))

    sec = "18 MB file with typographic apostrophes (’ for '), 5,000 terms"
    curly = f"{d}/enron-curly.txt"
    rg_curly = None
    if a.rg:
        rg_curly = row(sec, "`rg -c -F -f terms.txt`", [a.rg, "-c", "-F", "-f", f"{d}/terms-5000.txt", curly])
    row(sec, "tenet, built-in pack + 5,000 terms, `--format count`", t("--format", "count", "--rules", f"{d}/terms-5000.tenet", curly), ref=("rg -F", rg_curly, None, None))

    sec = "10,000 small files (the same drafts), 5,000 terms"
    rg_dir = None
    if a.rg:
        rg_dir = row(sec, "`rg -c -F -f terms.txt`", [a.rg, "-c", "-F", "-f", f"{d}/terms-5000.txt", drafts])
    row(sec, "tenet, built-in pack + 5,000 terms, `--format count`", t("--format", "count", "--rules", f"{d}/terms-5000.tenet", drafts), ref=("rg -F", rg_dir, None, None))
    for format in ("json", "sarif", "junit"):
        row(sec, f"tenet, built-in pack + 5,000 terms, `--format {format}`", t("--format", format, "--rules", f"{d}/terms-5000.tenet", drafts), ref=("rg -F", rg_dir, None, None))

    sec = "18 MB file, built-in pack + N terms (`--format count`)"
    base = None
    for n in (100, 1000, 10000, 100000):
        med = row(sec, f"tenet, {n:,} names (50 occur, the rest never do)", t("--format", "count", "--rules", f"{d}/names-{n}.tenet", big), ref=("100 names", base, None, None))
        base = base or med
    base = None
    for n in (100, 1000, 10000, 100000):
        med = row(sec, f"tenet, {n:,} corpus words and pairs (findings grow with N)", t("--format", "count", "--rules", f"{d}/terms-{n}.tenet", big), ref=("100 terms", base, None, None))
        base = base or med

    sec = "start-up: a one-line draft on stdin"
    line = "Thanks guys, the launch went great!\n"
    quoted = "He said “we shipped it” and I'm thrilled, \"really\" thrilled.\n"
    # Each run is a few milliseconds, so many more of them. The compiled rules
    # are cached after the first (warm-up) run; an unwritable cache folder shows
    # what compiling them costs.
    quick = 31
    row(sec, "`tenet --version` (the process alone)", [a.tenet, "--version"], runs=quick)
    row(sec, "`echo … \\| tenet check -`, built-in pack", t("-"), stdin_text=line, runs=quick)
    row(sec, "the same, a post with quotation marks (`He said “we shipped it”…`)", t("-"), stdin_text=quoted, runs=quick)
    row(sec, "`echo … \\| tenet check -`, built-in pack + 5,000 terms", t("--rules", f"{d}/terms-5000.tenet", "-"), stdin_text=line, runs=quick)
    row(sec, "the same, rules compiled afresh (cache folder unwritable)", t("--rules", f"{d}/terms-5000.tenet", "-"), stdin_text=line, runs=quick,
        env={"TENET_CACHE_DIR": "/dev/null/tenet"})

    # Peak memory on a file far larger than any draft: the 18 MB file eight times.
    huge = os.path.join(d, "enron-drafts-x8.txt")
    if not os.path.exists(huge):
        with open(big, "rb") as src:
            chunk = src.read()
        with open(huge, "wb") as out:
            for _ in range(8):
                out.write(chunk)
    mb = os.path.getsize(huge) / 1e6
    sec = f"peak memory: a {mb:.0f} MB file (the 18 MB file eight times), 5,000 terms"
    if a.rg:
        row(sec, "`rg -c -F -f terms.txt`", [a.rg, "-c", "-F", "-f", f"{d}/terms-5000.txt", huge])
    row(sec, "tenet, built-in pack + 5,000 terms, `--format count`", t("--format", "count", "--rules", f"{d}/terms-5000.tenet", huge), memory_of=mb)
    row(sec, "tenet, built-in pack + 5,000 terms, `--format json`", t("--format", "json", "--rules", f"{d}/terms-5000.tenet", huge), memory_of=mb)
    row(sec, "tenet, built-in pack + 5,000 terms, `--format sarif`", t("--format", "sarif", "--rules", f"{d}/terms-5000.tenet", huge), memory_of=mb)

    current = None
    for section, label, med, peak, ref, before in rows:
        if section != current:
            print(f"\n**{section}**\n")
            if a.baseline:
                print("| command | median wall | peak memory | ratio | baseline (wall, peak) | ÷ baseline |")
                print("|---|---:|---:|---|---:|---:|")
            else:
                print("| command | median wall | peak memory | ratio |")
                print("|---|---:|---:|---|")
            current = section
        ratio = ""
        if ref:
            parts = []
            for name, value in ((ref[0], ref[1]), (ref[2], ref[3])):
                if name and value:
                    parts.append(f"{med / value:.2f}× {name}")
            ratio = ", ".join(parts)
        line = f"| {label} | {med * 1000:.0f} ms | {peak:.0f} MB | {ratio} |"
        if a.baseline:
            if before:
                (was, was_peak) = before
                line += f" {was * 1000:.0f} ms, {was_peak:.0f} MB | {med / was:.2f}× |"
            else:
                line += " | |"
        print(line)


if __name__ == "__main__":
    main()
