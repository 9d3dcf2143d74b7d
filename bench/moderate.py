#!/usr/bin/env python3
"""Throughput of `tenet moderate` on every shared social post (24,798 posts):
posts/s and MB/s of text on all cores and on one (taskset), and the speed-up
between them, as a Markdown table. Each round runs a build on all cores and then
on one; times are medians with the fastest and slowest run, and the speed-up is
the median of the rounds' own (one core ÷ all), with the least and greatest, so
that a spell in which the machine slows down counts against both runs of a
round. Each round also runs one single-core run on every core at once: the
machine's ceiling for the speed-up (a shared machine's cores give less than
one core's work each when all are busy), and the speed-up as a share of it.
With --baseline, another build is run alternately with it on the same
posts, and its column and the ratio to it (round by round) are added. Answers
are checked to come back in input order. A round takes under a second, and on
a shared machine one round's speed-up ranges over 0.8 or more, so the default
is 15 rounds: with 5, the median landed on either side of 1.8× for the same
build from run to run.

    cargo build --release && python3 bench/moderate.py [--tenet target/release/tenet] [--runs 15] [--baseline OLD_TENET] [--json FILE]

--json writes the speed-up (bench/goals.py) to FILE.
"""
import argparse, json, os, shutil, statistics, subprocess, sys, tempfile, time

import compare
import social


def run(cmd, data, answers):
    """Seconds to answer every line; answers go to a file, so no reader shares the cores."""
    with open(data, "rb") as stdin, open(answers, "wb") as stdout:
        started = time.perf_counter()
        subprocess.run(cmd, stdin=stdin, stdout=stdout, check=True)
        return time.perf_counter() - started


def spread(seconds):
    """The median time, with the fastest and slowest run."""
    t = compare.spread(seconds)
    return f"{t['median']:.3f} s ({t['min']:.3f}–{t['max']:.3f})"


def at_once(cmds, data, answers):
    """Seconds for every command to answer every line, all started together:
    each reads the posts and writes its answers to a file of its own."""
    files = [(open(data, "rb"), open(f"{answers}.{i}", "wb")) for i in range(len(cmds))]
    try:
        started = time.perf_counter()
        procs = [subprocess.Popen(cmd, stdin=i, stdout=o) for cmd, (i, o) in zip(cmds, files)]
        codes = [p.wait() for p in procs]
        seconds = time.perf_counter() - started
    finally:
        for i, o in files:
            i.close()
            o.close()
    assert codes == [0] * len(cmds), f"exit codes {codes}"
    return seconds


def ratio(a, b):
    """The median of the ratios a[i] / b[i], run by run, with the least and greatest."""
    return compare.paired(compare.ratios(a, b))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--tenet", default="target/release/tenet")
    ap.add_argument("--runs", type=int, default=15)
    ap.add_argument("--baseline", help="another tenet binary, run alternately on the same posts")
    ap.add_argument("--json", help="write the speed-up to this file")
    args = ap.parse_args()
    tmp = tempfile.mkdtemp(prefix="tenet-moderate.")
    try:
        data = os.path.join(tmp, "posts.jsonl")
        answers = os.path.join(tmp, "answers.jsonl")
        posts, size = social.write_jsonl(data)
        ids = [json.loads(l)["id"] for l in open(data, encoding="utf-8")]
        cores = os.cpu_count()
        usable = compare.usable_cores()
        one = ["taskset", "-c", str(usable[0])] if shutil.which("taskset") else None
        binaries = [args.tenet] + ([args.baseline] if args.baseline else [])
        # times[binary][cores]: every run of that binary on all cores or on one.
        times = {b: {"all": [], "one": []} for b in binaries}
        # The machine's own ceiling for this work: one single-core run on each
        # core at once, against one alone. Two cores of a shared machine give
        # less than twice one core's work (caches, memory, the host's other
        # tenants); a split of the work across them can hardly do better.
        pinned = [["taskset", "-c", str(c), args.tenet, "moderate"] for c in usable] if one and len(usable) > 1 else None
        together = []
        for i in range(args.runs):
            for b in binaries if i % 2 == 0 else binaries[::-1]:
                times[b]["all"].append(run([b, "moderate"], data, answers))
                got = [json.loads(l)["id"] for l in open(answers, encoding="utf-8")]
                assert got == ids, f"{b}: answers out of order or missing"
                if one:
                    times[b]["one"].append(run(one + [b, "moderate"], data, answers))
                if pinned and b == args.tenet:
                    together.append(at_once(pinned, data, answers))
                    for k in range(len(pinned)):
                        got = [json.loads(l)["id"] for l in open(f"{answers}.{k}", encoding="utf-8")]
                        assert got == ids, f"{b} on one core of {len(pinned)}: answers out of order or missing"
        med = {b: {k: statistics.median(t) for k, t in ts.items() if t} for b, ts in times.items()}
        new = med[args.tenet]
        old = med.get(args.baseline)
        print(f"tenet moderate, {posts:,} posts ({size / 1e6:.2f} MB of text), {args.runs} runs: medians (min–max)")
        print()
        if old:
            print("| | time | posts/s | MB/s | baseline | ÷ baseline |")
            print("|---|---:|---:|---:|---:|---:|")
        else:
            print("| | time | posts/s | MB/s |")
            print("|---|---:|---:|---:|")
        rows = [(f"{cores} cores", "all")] + ([("1 core", "one")] if one else [])
        for label, k in rows:
            t = new[k]
            line = f"| {label} | {spread(times[args.tenet][k])} | {posts / t:,.0f} | {size / t / 1e6:.2f} |"
            if old:
                line += f" {spread(times[args.baseline][k])} | {ratio(times[args.tenet][k], times[args.baseline][k])} |"
            print(line)
        # One core ÷ all, round by round.
        speed_up = {b: compare.ratios(ts["one"], ts["all"]) for b, ts in times.items()} if one else {}
        if one:
            line = f"| speed-up | {compare.paired(speed_up[args.tenet])} | | |"
            if old:
                line += f" {compare.paired(speed_up[args.baseline])} | |"
            print(line)
        # One core's work times the cores, ÷ the time for that much at once, round by round.
        mine = times[args.tenet]
        ceiling = [len(pinned) * o / t for o, t in zip(mine["one"], together)]
        if ceiling:
            # The speed-up as a share of the ceiling, round by round.
            share = [o / a / c for o, a, c in zip(mine["one"], mine["all"], ceiling)]
            print(f"| the machine's ceiling: {len(pinned)} single-core runs at once | {compare.paired(compare.spread(ceiling))} | | |")
            print(f"| speed-up ÷ ceiling | {compare.paired(compare.spread(share))} | | |")
            print()
            print(f"The ceiling is {len(pinned)} times one core's time ÷ the time {len(pinned)} single-core runs"
                  " take at once, round by round: what the machine gives work that shares nothing"
                  " between its cores, and so about the most a speed-up can be on it now.")
        if args.json:
            with open(args.json, "w") as out:
                json.dump({"cores": cores, "posts": posts, "speed_up": speed_up.get(args.tenet),
                           "ceiling": compare.spread(ceiling) if ceiling else None}, out, indent=1)
    finally:
        shutil.rmtree(tmp)


if __name__ == "__main__":
    sys.exit(main())
