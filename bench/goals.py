#!/usr/bin/env python3
"""The performance goals and whether one run of the benches meets them, as a
Markdown table.

    bench/goals.py COMPARE_JSON LSP_JSON MODERATE_JSON

The three files are what `--json` makes bench/compare.py, bench/lsp-latency.py
and bench/moderate.py write (bench/compare.sh passes it to each). A goal is met
when its median is: ratios to ripgrep are paired run by run (see compare.py),
and the least and greatest of them are given beside it. A figure the run did not
measure (no ripgrep, a section left out) is said to be so.
"""
import json, sys

from compare import paired

# 300 MiB, in the MB of 10^6 bytes the peaks are given in.
MEMORY_CAP_MB = 300 * 2**20 / 1e6
# Memory bounded by a chunk: the 143 MB file's peak no more than this many
# times the 18 MB file's (a peak that grows with the input is not bounded).
BOUNDED = 1.5


def met(ok):
    return "yes" if ok else "**no**"


def main():
    compare, lsp, moderate = (json.load(open(path)) for path in sys.argv[1:4])
    rows = compare["rows"]
    out = []

    def row(case, goal, measured):
        """`measured`: what the run found and whether it meets the goal, or
        None when the run did not measure it."""
        now, ok = measured or ("not measured", None)
        out.append(f"| {case} | {now} | {goal} | {'' if ok is None else met(ok)} |")

    def vs_rg(key, case, goal, stretch=""):
        r = rows.get(key, {}).get("ratio")
        row(case, f"≤ {goal:g}×{stretch}", r and (paired(r), r["median"] <= goal))

    vs_rg("count", "18 MB, `--format count` vs `rg -c -F`", 1.5, " (stretch 1×)")
    count = rows.get("count", {})
    for name, case, goal in (("rg -w -F", "the same vs `rg --count-matches -w -F` (medians)", 1.2),
                             ("rg -w -i -F", "the same vs `rg --count-matches -w -i -F` (medians)", 0.2)):
        r = count.get("against", {}).get(name)
        row(case, f"≤ {goal:g}×", r and (f"{r:.2f}×", r <= goal))
    vs_rg("json", "18 MB, `--format json` vs `rg -c -F`", 2.0)
    vs_rg("folder", "10,000 files, `--format count` vs `rg -c -F`", 2.0)

    huge = rows.get("huge")
    memory = None
    if huge and count:
        grows = huge["peak_mb"] / count["peak_mb"]
        memory = (f"{huge['peak_mb']:.0f} MB, {huge['peak_mb'] / huge['input_mb']:.2f}× the input "
                  f"({grows:.1f}× the 18 MB file's {count['peak_mb']:.0f} MB)",
                  grows <= BOUNDED and huge["peak_mb"] <= MEMORY_CAP_MB)
    row("peak memory, 143 MB file", f"bounded by a chunk: ≤ {BOUNDED}× the 18 MB file's peak, and ≤ 300 MiB", memory)

    one = rows.get("one_line")
    ms = one and {k: v * 1000 for k, v in one["seconds"].items()}
    row("one-line draft on stdin + 5,000 terms", "≤ 15 ms",
        ms and (f"{ms['median']:.0f} ms ({ms['min']:.0f}–{ms['max']:.0f})", ms["median"] <= 15))

    for kb, goal in (("10", 5), ("100", 15), ("1000", 60)):
        r = lsp.get(kb)
        row(f"language server, edit → diagnostics p99, {int(kb):,} KB", f"≤ {goal} ms",
            r and (f"{r['p99_ms']:.2f} ms (median {r['median_ms']:.2f}, {r['edits']:,} edits)", r["p99_ms"] <= goal))

    s, c = moderate.get("speed_up"), moderate.get("ceiling")
    # The machine's own ceiling in the same run, so that a spell in which its
    # cores give less reads as that, not as the code's loss.
    ceiling = f"; the machine's ceiling {paired(c)}" if c else ""
    row(f"`tenet moderate`, {moderate.get('cores', '?')} cores ÷ one", "≥ 1.8×",
        s and (paired(s) + ceiling, s["median"] >= 1.8))

    print("| case | now: median (min–max) | goal | met |")
    print("|---|---|---|---|")
    print("\n".join(out))


if __name__ == "__main__":
    sys.exit(main())
