#!/usr/bin/env python3
"""Throughput of `tenet serve`'s batch endpoint on every shared social post
(24,798): the posts sent to POST /v1/check/batch in batches of 1,000, one
request at a time on one connection, to a server held to one core (`taskset`)
and to one on every core. Each round starts both servers afresh, alternating
which goes first; times are medians with the fastest and slowest round, and
the speed-up is the median of the rounds' own (one core ÷ every core). Every
answer is checked to hold each draft's record in the order sent. The client
shares the machine, but it only waits while a batch is checked.

    cargo build --release && python3 bench/serve-batch.py [--tenet target/release/tenet] [--runs 9] [--batch 1000]
"""
import argparse, http.client, json, os, re, shutil, subprocess, tempfile, time

import compare
import social


def start(cmd, root, log):
    """Starts a server on a free loopback port; returns the process and its address."""
    err = open(log, "w")
    proc = subprocess.Popen(cmd + ["serve", "--listen", "127.0.0.1:0"], cwd=root,
                            stdout=subprocess.DEVNULL, stderr=err,
                            env={**os.environ, "TENET_LOG": "info"})
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        found = re.search(r"addr=([0-9.]+:[0-9]+)", open(log, encoding="utf-8").read())
        if found:
            host, port = found.group(1).rsplit(":", 1)
            return proc, (host, int(port))
        if proc.poll() is not None:
            break
        time.sleep(0.05)
    proc.kill()
    raise SystemExit(f"the server did not start: {open(log, encoding='utf-8').read()}")


def post_all(addr, bodies, ids):
    """Seconds to send every batch and read its answer, one at a time."""
    conn = http.client.HTTPConnection(*addr)
    got = []
    started = time.perf_counter()
    for body in bodies:
        conn.request("POST", "/v1/check/batch", body, {"Content-Type": "application/json"})
        response = conn.getresponse()
        answer = response.read()
        assert response.status == 200, f"status {response.status}: {answer[:200]!r}"
        got.append(answer)
    seconds = time.perf_counter() - started
    conn.close()
    answered = [r["id"] for a in got for r in json.loads(a)["results"]]
    assert answered == ids, "records missing or out of order"
    return seconds


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--tenet", default="target/release/tenet")
    ap.add_argument("--runs", type=int, default=9)
    ap.add_argument("--batch", type=int, default=1000)
    args = ap.parse_args()
    if not shutil.which("taskset"):
        raise SystemExit("bench/serve-batch.py needs taskset (util-linux) to hold a server to one core")
    tenet = os.path.abspath(args.tenet)
    tmp = tempfile.mkdtemp(prefix="tenet-serve-batch.")
    try:
        data = os.path.join(tmp, "posts.jsonl")
        posts, size = social.write_jsonl(data)
        lines = open(data, encoding="utf-8").read().splitlines()
        ids = [json.loads(l)["id"] for l in lines]
        bodies = [("[" + ",".join(lines[i:i + args.batch]) + "]").encode()
                  for i in range(0, len(lines), args.batch)]
        # The server runs in an empty folder: the built-in rules, no tenet.toml.
        root = os.path.join(tmp, "root")
        os.mkdir(root)
        one = ["taskset", "-c", str(compare.usable_cores()[0])]
        cases = {"one": one + [tenet], "all": [tenet]}
        times = {k: [] for k in cases}
        for i in range(args.runs):
            for k in cases if i % 2 == 0 else list(cases)[::-1]:
                proc, addr = start(cases[k], root, os.path.join(tmp, "log"))
                try:
                    post_all(addr, bodies[:1], ids[:len(json.loads(bodies[0]))])  # warm-up
                    times[k].append(post_all(addr, bodies, ids))
                finally:
                    proc.terminate()
                    proc.wait()
        cores = len(compare.usable_cores())
        print(f"tenet serve, POST /v1/check/batch: {posts:,} posts ({size / 1e6:.2f} MB of text) "
              f"in {len(bodies)} batches of up to {args.batch:,}, one request at a time; "
              f"{args.runs} rounds: medians (min–max)")
        print()
        print("| server | time | posts/s |")
        print("|---|---:|---:|")
        for label, k in ((f"{cores} cores", "all"), ("1 core", "one")):
            t = compare.spread(times[k])
            print(f"| {label} | {t['median']:.3f} s ({t['min']:.3f}–{t['max']:.3f}) | {posts / t['median']:,.0f} |")
        print(f"| speed-up | {compare.paired(compare.ratios(times['one'], times['all']))} | |")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
