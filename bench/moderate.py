#!/usr/bin/env python3
"""Throughput of `tenet moderate` on every shared social post (24,798 posts):
posts/s and MB/s of text on all cores and on one (taskset), medians of paired
runs, and the ratio between them. Answers are checked to come back in input
order.

    cargo build --release && python3 bench/moderate.py [--tenet target/release/tenet] [--runs 5]
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
    args = ap.parse_args()
    tmp = tempfile.mkdtemp(prefix="tenet-moderate.")
    try:
        data = os.path.join(tmp, "posts.jsonl")
        answers = os.path.join(tmp, "answers.jsonl")
        posts, size = social.write_jsonl(data)
        ids = [json.loads(l)["id"] for l in open(data, encoding="utf-8")]
        cores = os.cpu_count()
        one = ["taskset", "-c", "0"] if shutil.which("taskset") else None
        all_times, one_times = [], []
        for _ in range(args.runs):
            all_times.append(run([args.tenet, "moderate"], data, answers))
            got = [json.loads(l)["id"] for l in open(answers, encoding="utf-8")]
            assert got == ids, "answers out of order or missing"
            if one:
                one_times.append(run(one + [args.tenet, "moderate"], data, answers))
        report = lambda label, t: print(
            f"{label:<10} {statistics.median(t):6.3f} s  {posts / statistics.median(t):8.0f} posts/s"
            f"  {size / statistics.median(t) / 1e6:6.2f} MB/s")
        print(f"tenet moderate, {posts} posts ({size / 1e6:.2f} MB of text), median of {args.runs} runs")
        report(f"{cores} cores", all_times)
        if one:
            report("1 core", one_times)
            print(f"speed-up   {statistics.median(one_times) / statistics.median(all_times):.2f}x")
    finally:
        shutil.rmtree(tmp)


if __name__ == "__main__":
    sys.exit(main())
