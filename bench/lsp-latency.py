#!/usr/bin/env python3
"""Latency of `tenet lsp`: from a one-character didChange to its publishDiagnostics.

    bench/lsp-latency.py [--tenet target/release/tenet] [--data DIR] [--edits 200]

Opens the 10 KB draft of bench/prepare.py with the built-in pack plus a 5,000-term
list, debounce 0, sends single-character edits one at a time and prints the median
and p99 in milliseconds. DATA defaults to a fresh temporary folder.
"""
import argparse, json, os, random, statistics, subprocess, sys, tempfile, threading, time, queue

HERE = os.path.dirname(os.path.abspath(__file__))


def frame(obj):
    body = json.dumps(obj).encode()
    return b"Content-Length: %d\r\n\r\n" % len(body) + body


def reader(stream, out):
    while True:
        header = stream.readline()
        if not header:
            return
        if not header.lower().startswith(b"content-length"):
            continue
        length = int(header.split(b":")[1])
        stream.readline()
        out.put((time.perf_counter(), json.loads(stream.read(length))))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--tenet", default=os.path.join(HERE, "..", "target", "release", "tenet"))
    ap.add_argument("--data")
    ap.add_argument("--edits", type=int, default=200)
    a = ap.parse_args()
    data = a.data or tempfile.mkdtemp(prefix="tenet-lsp-bench-")
    if not os.path.exists(os.path.join(data, "terms-5000.tenet")):
        subprocess.run([sys.executable, os.path.join(HERE, "prepare.py"), data], check=True, stdout=subprocess.DEVNULL)
    text = open(os.path.join(data, "draft-10k.md"), encoding="utf-8").read()
    uri = "file://" + os.path.join(data, "draft-10k.md")
    proc = subprocess.Popen([a.tenet, "lsp"], stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    inbox = queue.Queue()
    threading.Thread(target=reader, args=(proc.stdout, inbox), daemon=True).start()

    def send(obj):
        proc.stdin.write(frame(obj))
        proc.stdin.flush()

    def wait_for(pred, timeout=30):
        deadline = time.time() + timeout
        while True:
            at, msg = inbox.get(timeout=max(0.01, deadline - time.time()))
            if pred(msg):
                return at, msg

    rules = os.path.join(data, "terms-5000.tenet")
    send({"jsonrpc": "2.0", "id": 1, "method": "initialize",
          "params": {"capabilities": {}, "initializationOptions": {"tenet": {"debounceMs": 0, "rules": [rules]}}}})
    wait_for(lambda m: m.get("id") == 1)
    send({"jsonrpc": "2.0", "method": "initialized", "params": {}})
    send({"jsonrpc": "2.0", "method": "textDocument/didOpen",
          "params": {"textDocument": {"uri": uri, "languageId": "markdown", "version": 1, "text": text}}})
    _, first = wait_for(lambda m: m.get("method") == "textDocument/publishDiagnostics")
    lines = text.split("\n")
    rng = random.Random(1)
    latencies = []
    for i in range(a.edits):
        line = rng.randrange(len(lines))
        col = rng.randrange(len(lines[line]) + 1)
        version = i + 2
        start = time.perf_counter()
        send({"jsonrpc": "2.0", "method": "textDocument/didChange",
              "params": {"textDocument": {"uri": uri, "version": version},
                         "contentChanges": [{"range": {"start": {"line": line, "character": col},
                                                       "end": {"line": line, "character": col}}, "text": "x"}]}})
        lines[line] = lines[line][:col] + "x" + lines[line][col:]
        at, _ = wait_for(lambda m: m.get("method") == "textDocument/publishDiagnostics" and m["params"].get("version") == version)
        latencies.append((at - start) * 1000)
    send({"jsonrpc": "2.0", "id": 2, "method": "shutdown"})
    wait_for(lambda m: m.get("id") == 2)
    send({"jsonrpc": "2.0", "method": "exit"})
    proc.wait(timeout=10)
    latencies.sort()
    p99 = latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))]
    print(f"{len(latencies)} edits of a {len(text):,}-byte draft, built-in pack + 5,000 terms, "
          f"{len(first['params']['diagnostics'])} diagnostics at open")
    print(f"didChange -> publishDiagnostics: median {statistics.median(latencies):.2f} ms, "
          f"p99 {p99:.2f} ms, max {latencies[-1]:.2f} ms")


if __name__ == "__main__":
    main()
