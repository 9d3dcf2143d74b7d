#!/usr/bin/env python3
"""Latency of `tenet lsp`: from a one-character didChange to its publishDiagnostics.

    bench/lsp-latency.py [--tenet target/release/tenet] [--baseline OLD_TENET]
                         [--sizes 10,100,1000] [--data DIR] [--edits 200]

Opens a draft of each size in KB (the 10 KB draft of bench/prepare.py, repeated)
with the built-in pack plus a 5,000-term list, debounce 0, sends single-character
edits one at a time and prints the median and p99 in milliseconds. With
--baseline, the other binary is measured on the same drafts right after, size by
size. DATA defaults to a fresh temporary folder.
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
    ap.add_argument("--baseline", help="another tenet binary, measured on the same drafts")
    ap.add_argument("--sizes", default="10", help="draft sizes in KB, comma-separated")
    ap.add_argument("--edits", type=int, default=200)
    a = ap.parse_args()
    data = a.data or tempfile.mkdtemp(prefix="tenet-lsp-bench-")
    if not os.path.exists(os.path.join(data, "terms-5000.tenet")):
        subprocess.run([sys.executable, os.path.join(HERE, "prepare.py"), data], check=True, stdout=subprocess.DEVNULL)
    draft = open(os.path.join(data, "draft-10k.md"), encoding="utf-8").read()
    rules = os.path.join(data, "terms-5000.tenet")
    binaries = [("tenet", a.tenet)] + ([("baseline", a.baseline)] if a.baseline else [])
    print("| draft | binary | diagnostics at open | median | p99 | max |")
    print("|---:|---|---:|---:|---:|---:|")
    for kb in (int(k) for k in a.sizes.split(",")):
        text = (draft * (kb * 1024 // len(draft) + 1))[: kb * 1024]
        text = text[: text.rfind("\n") + 1]
        path = os.path.join(data, f"draft-{kb}k.md")
        with open(path, "w", encoding="utf-8") as f:
            f.write(text)
        for name, tenet in binaries:
            diags, lat = measure(tenet, path, text, rules, a.edits)
            p99 = lat[min(len(lat) - 1, int(len(lat) * 0.99))]
            print(f"| {len(text) / 1024:,.0f} KB | {name} | {diags} | {statistics.median(lat):.2f} ms "
                  f"| {p99:.2f} ms | {lat[-1]:.2f} ms |", flush=True)


def measure(tenet, path, text, rules, edits):
    """Diagnostics at open and the sorted latencies of `edits` one-character edits."""
    uri = "file://" + path
    proc = subprocess.Popen([tenet, "lsp"], stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    inbox = queue.Queue()
    threading.Thread(target=reader, args=(proc.stdout, inbox), daemon=True).start()

    def send(obj):
        proc.stdin.write(frame(obj))
        proc.stdin.flush()

    def wait_for(pred, timeout=60):
        deadline = time.time() + timeout
        while True:
            at, msg = inbox.get(timeout=max(0.01, deadline - time.time()))
            if pred(msg):
                return at, msg

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
    for i in range(edits):
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
    return len(first["params"]["diagnostics"]), latencies


if __name__ == "__main__":
    main()
