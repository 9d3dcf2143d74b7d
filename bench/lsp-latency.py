#!/usr/bin/env python3
"""Latency of `tenet lsp`: from a one-character didChange to its publishDiagnostics.

    bench/lsp-latency.py [--tenet target/release/tenet] [--baseline OLD_TENET]
                         [--sizes 10,100,1000] [--data DIR] [--edits N] [--hovers 0]
                         [--json FILE]

Opens a draft of each size in KB (the 10 KB draft of bench/prepare.py, repeated)
with the built-in pack plus a 5,000-term list, debounce 0, sends single-character
edits one at a time and prints the median and p99 in milliseconds: by
default 1,000 edits of a draft up to 100 KB and 200 of a larger one (the p99
of 200 edits is their second-slowest, which one slow spell on a shared machine
decides; a megabyte's edits are slow enough that 200 take a while). With
--baseline, the other binary runs beside it on the same draft and gets the same
edits, the two taking turns edit by edit (which goes first alternates), so a
slow spell on a shared machine falls on both. DATA defaults to a fresh
temporary folder. --hovers N then sends N hover requests at random positions
(after the last edit's diagnostics, taking turns the same way) and adds their
median and p99 to the row. --json writes TENET's median and p99 for each
size (bench/goals.py) to FILE.
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
    ap.add_argument("--edits", type=int, help="edits per draft (default: 1,000 up to 100 KB, else 200)")
    ap.add_argument("--hovers", type=int, default=0)
    ap.add_argument("--json", help="write tenet's median and p99 for each size to this file")
    a = ap.parse_args()
    judged = {}
    data = a.data or tempfile.mkdtemp(prefix="tenet-lsp-bench-")
    if not os.path.exists(os.path.join(data, "terms-5000.tenet")):
        subprocess.run([sys.executable, os.path.join(HERE, "prepare.py"), data], check=True, stdout=subprocess.DEVNULL)
    draft = open(os.path.join(data, "draft-10k.md"), encoding="utf-8").read()
    rules = os.path.join(data, "terms-5000.tenet")
    binaries = [("tenet", a.tenet)] + ([("baseline", a.baseline)] if a.baseline else [])
    hover_head = " hover median | hover p99 |" if a.hovers else ""
    print("| draft | binary | diagnostics at open | median | p99 | max |" + hover_head)
    print("|---:|---|---:|---:|---:|---:|" + "---:|---:|" * bool(a.hovers))
    for kb in (int(k) for k in a.sizes.split(",")):
        text = (draft * (kb * 1024 // len(draft) + 1))[: kb * 1024]
        text = text[: text.rfind("\n") + 1]
        path = os.path.join(data, f"draft-{kb}k.md")
        with open(path, "w", encoding="utf-8") as f:
            f.write(text)
        sessions = [(name, Session(tenet, path, text, rules)) for name, tenet in binaries]
        lines = text.split("\n")
        rng = random.Random(1)
        latencies = {name: [] for name, _ in sessions}
        edits = a.edits or (1000 if kb <= 100 else 200)
        for i in range(edits):
            line = rng.randrange(len(lines))
            col = rng.randrange(len(lines[line]) + 1)
            lines[line] = lines[line][:col] + "x" + lines[line][col:]
            for name, session in sessions if i % 2 == 0 else sessions[::-1]:
                latencies[name].append(session.edit(line, col))
        hovers = {name: [] for name, _ in sessions}
        for i in range(a.hovers):
            line = rng.randrange(len(lines))
            col = rng.randrange(len(lines[line]) + 1)
            for name, session in sessions if i % 2 == 0 else sessions[::-1]:
                hovers[name].append(session.hover(line, col))
        for name, session in sessions:
            session.close()
            lat = sorted(latencies[name])
            hover = ""
            if a.hovers:
                h = sorted(hovers[name])
                hover = f" {statistics.median(h):.2f} ms | {p99_of(h):.2f} ms |"
            print(f"| {len(text) / 1024:,.0f} KB | {name} | {session.diagnostics} | {statistics.median(lat):.2f} ms "
                  f"| {p99_of(lat):.2f} ms | {lat[-1]:.2f} ms |{hover}", flush=True)
            if name == "tenet":
                judged[str(kb)] = {"median_ms": statistics.median(lat), "p99_ms": p99_of(lat), "edits": len(lat)}
    if a.json:
        with open(a.json, "w") as out:
            json.dump(judged, out, indent=1)


def p99_of(sorted_ms):
    return sorted_ms[min(len(sorted_ms) - 1, int(len(sorted_ms) * 0.99))]


class Session:
    """One `tenet lsp` with one open draft; `edit` inserts a character and times
    the diagnostics it brings."""

    def __init__(self, tenet, path, text, rules):
        self.uri = "file://" + path
        self.version = 1
        self.next_id = 100
        self.proc = subprocess.Popen([tenet, "lsp"], stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
        self.inbox = queue.Queue()
        threading.Thread(target=reader, args=(self.proc.stdout, self.inbox), daemon=True).start()
        self.send({"jsonrpc": "2.0", "id": 1, "method": "initialize",
                   "params": {"capabilities": {}, "initializationOptions": {"tenet": {"debounceMs": 0, "rules": [rules]}}}})
        self.wait_for(lambda m: m.get("id") == 1)
        self.send({"jsonrpc": "2.0", "method": "initialized", "params": {}})
        self.send({"jsonrpc": "2.0", "method": "textDocument/didOpen",
                   "params": {"textDocument": {"uri": self.uri, "languageId": "markdown", "version": 1, "text": text}}})
        _, first = self.wait_for(lambda m: m.get("method") == "textDocument/publishDiagnostics")
        self.diagnostics = len(first["params"]["diagnostics"])

    def send(self, obj):
        self.proc.stdin.write(frame(obj))
        self.proc.stdin.flush()

    def wait_for(self, pred, timeout=60):
        deadline = time.time() + timeout
        while True:
            at, msg = self.inbox.get(timeout=max(0.01, deadline - time.time()))
            if pred(msg):
                return at, msg

    def edit(self, line, col):
        """Milliseconds from an inserted "x" at (line, col) to its diagnostics."""
        self.version += 1
        version = self.version
        start = time.perf_counter()
        self.send({"jsonrpc": "2.0", "method": "textDocument/didChange",
                   "params": {"textDocument": {"uri": self.uri, "version": version},
                              "contentChanges": [{"range": {"start": {"line": line, "character": col},
                                                            "end": {"line": line, "character": col}}, "text": "x"}]}})
        at, _ = self.wait_for(lambda m: m.get("method") == "textDocument/publishDiagnostics"
                              and m["params"].get("version") == version)
        return (at - start) * 1000

    def hover(self, line, col):
        """Milliseconds to answer a hover at (line, col)."""
        self.next_id += 1
        request = self.next_id
        start = time.perf_counter()
        self.send({"jsonrpc": "2.0", "id": request, "method": "textDocument/hover",
                   "params": {"textDocument": {"uri": self.uri}, "position": {"line": line, "character": col}}})
        at, _ = self.wait_for(lambda m: m.get("id") == request)
        return (at - start) * 1000

    def close(self):
        self.send({"jsonrpc": "2.0", "id": 2, "method": "shutdown"})
        self.wait_for(lambda m: m.get("id") == 2)
        self.send({"jsonrpc": "2.0", "method": "exit"})
        self.proc.wait(timeout=10)


if __name__ == "__main__":
    main()
