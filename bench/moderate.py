#!/usr/bin/env python3
"""Throughput of `tenet moderate` on every shared social post (24,798 posts):
posts/s and MB/s of text on all cores and on one (taskset), medians of paired
runs, and the ratio between them, as a Markdown table. With --baseline, another
build is run alternately with it on the same posts, and its column and the ratio
to it are added. Answers are checked to come back in input order.

    cargo build --release && python3 bench/moderate.py [--tenet target/release/tenet] [--runs 5] [--baseline OLD_TENET]
"""
import argparse, json, os, shutil, statistics, subprocess, sys, tempfile, time

import social


def run(cmd, data, answers):
    """Seconds to answer every line; answers go to a file, so no reader shares the cores."""
    with open(data, "rb") as stdin, open(answers, "wb") as stdout:
        started = time.perf_counter()
        subprocess.run(cmd, stdin=stdin, stdout=stdout, check=True)
        return time.perf_counter() - started


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--tenet", default="target/release/tenet")
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--baseline", help="another tenet binary, run alternately on the same posts")
    args = ap.parse_args()
    tmp = tempfile.mkdtemp(prefix="tenet-moderate.")
    try:
        data = os.path.join(tmp, "posts.jsonl")
        answers = os.path.join(tmp, "answers.jsonl")
        posts, size = social.write_jsonl(data)
        ids = [json.loads(l)["id"] for l in open(data, encoding="utf-8")]
        cores = os.cpu_count()
        one = ["taskset", "-c", "0"] if shutil.which("taskset") else None
        binaries = [args.tenet] + ([args.baseline] if args.baseline else [])
        # times[binary][cores]: every run of that binary on all cores or on one.
        times = {b: {"all": [], "one": []} for b in binaries}
        for i in range(args.runs):
            for b in binaries if i % 2 == 0 else binaries[::-1]:
                times[b]["all"].append(run([b, "moderate"], data, answers))
                got = [json.loads(l)["id"] for l in open(answers, encoding="utf-8")]
                assert got == ids, f"{b}: answers out of order or missing"
                if one:
                    times[b]["one"].append(run(one + [b, "moderate"], data, answers))
        med = {b: {k: statistics.median(t) for k, t in ts.items() if t} for b, ts in times.items()}
        new = med[args.tenet]
        old = med.get(args.baseline)
        print(f"tenet moderate, {posts:,} posts ({size / 1e6:.2f} MB of text), medians of {args.runs} runs")
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
            line = f"| {label} | {t:.3f} s | {posts / t:,.0f} | {size / t / 1e6:.2f} |"
            if old:
                line += f" {old[k]:.3f} s | {t / old[k]:.2f}× |"
            print(line)
        if one:
            line = f"| speed-up | {new['one'] / new['all']:.2f}× | | |"
            if old:
                line += f" {old['one'] / old['all']:.2f}× | |"
            print(line)
    finally:
        shutil.rmtree(tmp)


if __name__ == "__main__":
    sys.exit(main())
