#!/usr/bin/env python3
"""Time whole commands: Tenet against ripgrep on the same inputs, in one run.

    bench/compare.py DATA_DIR TENET RG [--runs 5] [--baseline OLD_TENET] [--only TEXT] [--json FILE]

DATA_DIR comes from bench/prepare.py. Each command runs once to warm the cache,
then --runs times; the table gives the median wall time with the fastest and
slowest run, and the largest peak resident memory of those runs (in MB of 10^6
bytes, the unit input sizes are given in). A row compared with a reference
(ripgrep, or the section's first Tenet row) runs alternately with it, run by
run, and its ratio is the median of the runs' ratios, with their least and
greatest: a spell in which the machine slows down slows both commands of a
pair. Other references (ripgrep's counts of whole-word matches, and the
7-second `rg -i`) are compared by their medians.
With --baseline, every Tenet command also runs with the other binary in the
same alternation, and the table gains the baseline's median and peak and the
ratio new ÷ baseline, paired the same way. The order of the commands turns
round from one run to the next, so that none always follows another. --only
runs just the sections whose title holds TEXT (e.g. `--only "18 MB file ("` with
more runs, to settle a ratio this machine's noise leaves in doubt). --json
writes the rows the performance goals are judged on (bench/goals.py) to FILE.
"""
import argparse, json, os, shutil, statistics, subprocess, time


def run_once(cmd, stdin_text=None, cwd=None, env=None):
    """Wall seconds and peak resident memory (MB) of one run of `cmd`."""
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
    # ru_maxrss is in KiB.
    return elapsed, usage.ru_maxrss * 1024 / 1e6


def measure(cmds, runs, **kw):
    """Each command's wall times, run by run, and its largest peak: one warm-up
    run of each, then `runs` rounds in which every command runs once, the
    order turned round each round."""
    for cmd in cmds:
        run_once(cmd, **kw)
    times = [[] for _ in cmds]
    peaks = [0.0 for _ in cmds]
    for r in range(runs):
        order = list(range(len(cmds)))
        k = r % len(cmds)
        for i in order[k:] + order[:k]:
            elapsed, peak = run_once(cmds[i], **kw)
            times[i].append(elapsed)
            peaks[i] = max(peaks[i], peak)
    return times, peaks


def usable_cores():
    """The cores this process may run on, in order (a container may allow fewer
    than the machine has)."""
    if hasattr(os, "sched_getaffinity"):
        return sorted(os.sched_getaffinity(0))
    return list(range(os.cpu_count() or 1))


def spread(values):
    """The median of `values`, with the least and greatest."""
    v = sorted(values)
    return {"median": statistics.median(v), "min": v[0], "max": v[-1]}


def ratios(times, others):
    """The ratios of one command's runs to another's, run by run: their median,
    least and greatest."""
    return spread(t / o for t, o in zip(times, others))


def paired(r, name=""):
    """`ratios` as the tables give them."""
    return f"{r['median']:.2f}×{' ' + name if name else ''} ({r['min']:.2f}–{r['max']:.2f})"


def wall(times):
    """The median wall time, with the fastest and slowest run, in ms."""
    t = spread(x * 1000 for x in times)
    return f"{t['median']:.0f} ms ({t['min']:.0f}–{t['max']:.0f})"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("data")
    ap.add_argument("tenet")
    ap.add_argument("rg", nargs="?")
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--baseline", help="another tenet binary, run alternately with TENET")
    ap.add_argument("--only", help="run only the sections whose title holds this text")
    ap.add_argument("--json", help="write the rows the goals are judged on to this file")
    a = ap.parse_args()
    d = a.data
    big = os.path.join(d, "enron-drafts.txt")
    drafts = os.path.join(d, "drafts")
    t = lambda *args: [a.tenet, "check", *args]
    rows = []
    # The rows the goals are judged on (bench/goals.py), by key.
    judged = {}

    def row(section, label, cmd, ref=None, more=(), memory_of=None, runs=None, key=None, **kw):
        """`ref`: (name, command) of the reference run alternately with `cmd`;
        `more`: (name, median seconds) of other references, compared by medians.
        `memory_of`: the input's size in MB, to give the peak as a multiple of it.
        `runs`: more than --runs, for commands that take milliseconds.
        `key`: the name the row is kept under for --json.
        Gives the median wall time."""
        if a.only and a.only not in section:
            return None
        runs = max(runs or 0, a.runs)
        cmds = [cmd]
        baseline = a.baseline and cmd[0] == a.tenet
        if baseline:
            cmds.append([a.baseline, *cmd[1:]])
        if ref:
            cmds.append(ref[1])
        times, peaks = measure(cmds, runs, **kw)
        med = statistics.median(times[0])
        if memory_of:
            label = f"{label} (peak = {peaks[0] / memory_of:.2f}× the input)"
        to_ref = ratios(times[0], times[-1]) if ref else None
        against = {name: med / m for name, m in more if m}
        shown = ([paired(to_ref, ref[0])] if ref else []) + [f"{r:.2f}× {name}" for name, r in against.items()]
        before = None
        if baseline:
            before = (wall(times[1]), peaks[1], paired(ratios(times[0], times[1])))
        rows.append((section, label, wall(times[0]), peaks[0], ", ".join(shown), before))
        if key:
            judged[key] = {
                "seconds": spread(times[0]),
                "peak_mb": peaks[0],
                "input_mb": memory_of,
                "ratio": to_ref,
                "against": against,
            }
        return med

    sec = "18 MB file (10,000 Enron drafts in one file), 5,000 terms"
    rg_f = rg_i = rg_w = rg_wi = None
    if a.rg:
        rg_f = [a.rg, "-c", "-F", "-f", f"{d}/terms-5000.txt", big]
        row(sec, "`rg -c -F -f terms.txt` (case-sensitive)", rg_f)
        rg_i = row(sec, "`rg -c -i -F -f terms.txt`", [a.rg, "-c", "-i", "-F", "-f", f"{d}/terms-5000.txt", big])
        # `-c` counts lines and stops at a line's first match; Tenet reports every
        # match as a finding, whole words only. These do the same work as Tenet:
        rg_w = row(sec, "`rg --count-matches -w -F -f terms.txt` (every whole-word match, case-sensitive)", [a.rg, "--count-matches", "-w", "-F", "-f", f"{d}/terms-5000.txt", big])
        rg_wi = row(sec, "`rg --count-matches -w -i -F -f terms.txt` (every whole-word match, caseless)", [a.rg, "--count-matches", "-w", "-i", "-F", "-f", f"{d}/terms-5000.txt", big])
    ref = ("rg -F", rg_f) if rg_f else None
    row(sec, "tenet, built-in pack + 5,000 terms, `--format count`", t("--format", "count", "--rules", f"{d}/terms-5000.tenet", big), ref=ref, key="count",
        more=(("rg -w -F", rg_w), ("rg -w -i -F", rg_wi), ("rg -i", rg_i)))
    row(sec, "tenet, built-in pack + 5,000 terms, `--format json`", t("--format", "json", "--rules", f"{d}/terms-5000.tenet", big), ref=ref, key="json")
    row(sec, "tenet, built-in pack + 5,000 terms, `--format sarif`", t("--format", "sarif", "--rules", f"{d}/terms-5000.tenet", big), ref=ref)
    # The count on one core, against itself on all: what the cores give the
    # check in this run (bench/moderate.py measures what they give at most).
    cores = usable_cores()
    if shutil.which("taskset") and len(cores) > 1:
        count = t("--format", "count", "--rules", f"{d}/terms-5000.tenet", big)
        row(sec, "the same `--format count` on one core (`taskset`)", ["taskset", "-c", str(cores[0]), *count],
            ref=("all cores", count))

    sec = "18 MB file with typographic apostrophes (’ for '), 5,000 terms"
    curly = f"{d}/enron-curly.txt"
    rg_curly = None
    if a.rg:
        rg_curly = [a.rg, "-c", "-F", "-f", f"{d}/terms-5000.txt", curly]
        row(sec, "`rg -c -F -f terms.txt`", rg_curly)
    row(sec, "tenet, built-in pack + 5,000 terms, `--format count`", t("--format", "count", "--rules", f"{d}/terms-5000.tenet", curly), ref=("rg -F", rg_curly) if rg_curly else None)

    sec = "10,000 small files (the same drafts), 5,000 terms"
    rg_dir = None
    if a.rg:
        rg_dir = [a.rg, "-c", "-F", "-f", f"{d}/terms-5000.txt", drafts]
        row(sec, "`rg -c -F -f terms.txt`", rg_dir)
    row(sec, "tenet, built-in pack + 5,000 terms, `--format count`", t("--format", "count", "--rules", f"{d}/terms-5000.tenet", drafts), ref=("rg -F", rg_dir) if rg_dir else None, key="folder")
    for format in ("json", "sarif", "junit"):
        row(sec, f"tenet, built-in pack + 5,000 terms, `--format {format}`", t("--format", format, "--rules", f"{d}/terms-5000.tenet", drafts), ref=("rg -F", rg_dir) if rg_dir else None)

    sec = "18 MB file, built-in pack + N terms (`--format count`)"
    for kind, what, first_name in (("names", "names (50 occur, the rest never do)", "100 names"),
                                   ("terms", "corpus words and pairs (findings grow with N)", "100 terms")):
        first = t("--format", "count", "--rules", f"{d}/{kind}-100.tenet", big)
        for n in (100, 1000, 10000, 100000):
            cmd = t("--format", "count", "--rules", f"{d}/{kind}-{n}.tenet", big)
            row(sec, f"tenet, {n:,} {what}", cmd, ref=(first_name, first) if n > 100 else None)

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
    row(sec, "`echo … \\| tenet check -`, built-in pack + 5,000 terms", t("--rules", f"{d}/terms-5000.tenet", "-"), stdin_text=line, runs=quick, key="one_line")
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
    row(sec, "tenet, built-in pack + 5,000 terms, `--format count`", t("--format", "count", "--rules", f"{d}/terms-5000.tenet", huge), memory_of=mb, key="huge")
    row(sec, "tenet, built-in pack + 5,000 terms, `--format json`", t("--format", "json", "--rules", f"{d}/terms-5000.tenet", huge), memory_of=mb)
    row(sec, "tenet, built-in pack + 5,000 terms, `--format sarif`", t("--format", "sarif", "--rules", f"{d}/terms-5000.tenet", huge), memory_of=mb)

    current = None
    for section, label, med, peak, ratio, before in rows:
        if section != current:
            print(f"\n**{section}**\n")
            if a.baseline:
                print("| command | median wall (min–max) | peak memory | ratio, paired (min–max) | baseline (wall, peak) | ÷ baseline, paired (min–max) |")
                print("|---|---:|---:|---|---:|---:|")
            else:
                print("| command | median wall (min–max) | peak memory | ratio, paired (min–max) |")
                print("|---|---:|---:|---|")
            current = section
        line = f"| {label} | {med} | {peak:.0f} MB | {ratio} |"
        if a.baseline:
            if before:
                was, was_peak, ratio = before
                line += f" {was}, {was_peak:.0f} MB | {ratio} |"
            else:
                line += " | |"
        print(line)
    if a.json:
        with open(a.json, "w") as out:
            json.dump({"rows": judged}, out, indent=1)


if __name__ == "__main__":
    main()
