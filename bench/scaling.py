#!/usr/bin/env python3
"""Time the inputs that once made Tenet super-linear, at three sizes each, and
print how the time grows (a linear cost grows about 4x when the input does).

    bench/scaling.py [--tenet target/release/tenet] [--baseline OTHER_TENET] [--runs 3]

Cases: prefix-sharing term lists (t1, t10, t100, ...) through `tenet rules test`;
one long line of findings through `--format json` and human output; a Markdown
list nested on one line (`- - - … x`); `--diff` of a draft with a fix for every
other word; rule files with many errors through `tenet rules test`. Medians of
--runs runs. With --baseline, the same cases for another build, side by side.
"""
import argparse, os, statistics, subprocess, sys, tempfile, time

HERE = os.path.dirname(os.path.abspath(__file__))


def timed(cmd, runs):
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=600)
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def cases(tmp):
    out = []
    for n in (10_000, 40_000, 160_000):
        p = os.path.join(tmp, f"terms-{n}.tenet")
        with open(p, "w") as f:
            terms = ", ".join(f'"t{i}"' for i in range(n))
            f.write(f'guideline g {{\n  list big = {terms}\n  rule r hint {{\n    find big\n    message "m"\n    bad "[t1]"\n  }}\n}}\n')
        out.append(("prefix-sharing terms", n, ["rules", "test", p]))
    for chars in (32 * 1024, 128 * 1024, 512 * 1024):
        p = os.path.join(tmp, f"line-{chars}.txt")
        with open(p, "w") as f:
            f.write(("guys card 4111 1111 1111 1111 " * (chars // 30 + 1))[:chars])
        out.append(("long line, json", chars, ["check", "--format", "json", p]))
        out.append(("long line, human", chars, ["check", p]))
    for n in (25_000, 100_000, 400_000):
        p = os.path.join(tmp, f"nested-list-{n}.md")
        with open(p, "w") as f:
            f.write("- " * n + "x\n")
        out.append(("a list nested on one line (`- - - … x`)", n, ["check", p]))
    for n in (5_000, 20_000, 80_000):
        p = os.path.join(tmp, f"fixes-{n}.md")
        with open(p, "w") as f:
            f.write("Thanks guys!!! " * n + "\n")
        out.append(("a fix for every other word, `--diff`", n, ["check", "--diff", p]))
    for n in (1_000, 10_000, 100_000):
        p = os.path.join(tmp, f"errors-{n}.tenet")
        with open(p, "w") as f:
            f.write("guideline g {\n" + "blah blah\n" * n + "}\n")
        out.append(("rule errors", n, ["rules", "test", p]))
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--tenet", default=os.path.join(HERE, "..", "target", "release", "tenet"))
    ap.add_argument("--baseline")
    ap.add_argument("--runs", type=int, default=3)
    args = ap.parse_args()
    builds = [("tenet", args.tenet)] + ([("baseline", args.baseline)] if args.baseline else [])
    with tempfile.TemporaryDirectory(prefix="tenet-scaling-") as tmp:
        rows = cases(tmp)
        print("| case | size | " + " | ".join(f"{name} (s)" for name, _ in builds) + " | growth |")
        print("|---|---:|" + "---:|" * len(builds) + "---|")
        previous = {}
        for label, size, cmd in rows:
            cells = []
            for name, binary in builds:
                try:
                    cells.append(timed([binary] + cmd, args.runs))
                except subprocess.TimeoutExpired:
                    cells.append(float("inf"))
            growth = ""
            if label in previous:
                prev_size, prev_time = previous[label]
                if prev_time > 0:
                    growth = f"{cells[0] / prev_time:.1f}x for {size / prev_size:.0f}x input"
            previous[label] = (size, cells[0])
            print(f"| {label} | {size:,} | " + " | ".join(f"{c:.3f}" for c in cells) + f" | {growth} |")
            sys.stdout.flush()


if __name__ == "__main__":
    main()
