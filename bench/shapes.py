#!/usr/bin/env python3
"""Long drafts of odd shapes: does any cost grow faster than the text? Each shape
is written to a temporary folder (20 MB by default; --mb to change), checked with
the built-in pack (`--format count`), and its median wall time and peak memory
(of the child process, from wait4) printed as a Markdown table, with the peak as
a multiple of the input. With --baseline, another build is run alternately on
the same files, and the two builds' `--format json` answers are compared.

    cargo build --release && python3 bench/shapes.py [--tenet target/release/tenet] [--runs 3] [--mb 20] [--baseline OLD_TENET]
"""
import argparse, hashlib, os, random, shutil, statistics, subprocess, sys, tempfile, time

WORDS = ("the of and to in a is that for it as was with be by on not he this are or "
         "his from at which but have an they you were her she there been one all we "
         "their has would when if so no will can more about said my them what up out").split()


def lines(size, make):
    """Lines from `make(rng)` up to `size` bytes."""
    rng, out, n = random.Random(1), [], 0
    while n < size:
        line = make(rng)
        out.append(line)
        n += len(line.encode())
    return "".join(out)


def words(rng, lo, hi):
    return " ".join(rng.choice(WORDS) for _ in range(rng.randint(lo, hi)))


# Name, file name, text of about `size` bytes.
SHAPES = [
    ("prose lines, blank lines between paragraphs", "prose.txt",
     lambda size: lines(size, lambda r: "\n" if r.random() < 0.1 else words(r, 3, 14) + "\n")),
    ("short lines, no mail structure (a log, a list)", "short.txt",
     lambda size: lines(size, lambda r: words(r, 2, 7) + "\n")),
    ("the same, one suppression directive on top", "directive.txt",
     lambda size: "<!-- tenet-disable-next-line confidentiality -->\n"
     + lines(size, lambda r: words(r, 2, 7) + "\n")),
    ("one line of words", "one-line.txt",
     lambda size: lines(size, lambda r: words(r, 50, 50) + " ")),
    ("one word", "one-word.txt", lambda size: "a" * size),
    ("quoted reply lines", "quoted.txt",
     lambda size: lines(size, lambda r: "> " + words(r, 2, 12) + "\n")),
    ("CJK without spaces", "cjk.txt",
     lambda size: "".join(chr(random.Random(size + i).randint(0x4E00, 0x9FFF)) for i in range(size // 3))),
    ("a Markdown list", "list.md",
     lambda size: lines(size, lambda r: ("\n## " + words(r, 4, 4) + "\n\n") if r.random() < 0.05
                        else "- " + words(r, 2, 12) + "\n")),
    ("URLs, addresses and phone numbers", "contacts.txt",
     lambda size: lines(size, lambda r: "see https://example%d.com/p/%d and mail bob%d@example.com or call 713-555-%04d\n"
                        % (r.randint(0, 999), r.randint(0, 9999), r.randint(0, 99), r.randint(0, 9999)))),
]


def timed(cmd):
    """Wall seconds and peak resident memory (bytes) of one run."""
    started = time.perf_counter()
    child = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(child.pid, 0)
    seconds = time.perf_counter() - started
    if os.waitstatus_to_exitcode(status) not in (0, 1):
        sys.exit(f"{cmd} failed: {status}")
    return seconds, usage.ru_maxrss * 1024


def answer(binary, path):
    """A digest of the `--format json` answer, read in pieces."""
    digest = hashlib.sha256()
    with subprocess.Popen([binary, "check", "--format", "json", path],
                          stdout=subprocess.PIPE, stderr=subprocess.DEVNULL) as child:
        for piece in iter(lambda: child.stdout.read(1 << 16), b""):
            digest.update(piece)
    return digest.hexdigest()


def write(file, path, size):
    """Writes a shape's file (in a process of its own: see `main`)."""
    make = next(make for _, f, make in SHAPES if f == file)
    with open(path, "w", encoding="utf-8") as f:
        f.write(make(size))


def main():
    if sys.argv[1:2] == ["--write"]:
        return write(sys.argv[2], sys.argv[3], int(sys.argv[4]))
    ap = argparse.ArgumentParser()
    ap.add_argument("--tenet", default="target/release/tenet")
    ap.add_argument("--baseline", help="another tenet binary, run alternately on the same files")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--mb", type=float, default=20)
    args = ap.parse_args()
    size = int(args.mb * 1_000_000)
    binaries = [args.tenet] + ([args.baseline] if args.baseline else [])
    tmp = tempfile.mkdtemp(prefix="tenet-shapes.")
    try:
        head = "| shape | MB | time | peak | peak ÷ input |"
        rule = "|---|---:|---:|---:|---:|"
        if args.baseline:
            head += " baseline time | baseline peak | same answers |"
            rule += "---:|---:|---|"
        print(head)
        print(rule)
        for name, file, _ in SHAPES:
            path = os.path.join(tmp, file)
            # Made by another process: a child's peak memory as Linux reports it
            # (wait4) counts its parent's from before it started the program.
            subprocess.run([sys.executable, __file__, "--write", file, path, str(size)], check=True)
            mb = os.path.getsize(path) / 1e6
            for b in binaries:  # once each, to warm the rule cache and the file
                timed([b, "check", "--format", "count", path])
            runs = {b: [] for b in binaries}
            for i in range(args.runs):
                for b in binaries if i % 2 == 0 else binaries[::-1]:
                    runs[b].append(timed([b, "check", "--format", "count", path]))
            def cells(b):
                t = statistics.median(s for s, _ in runs[b])
                peak = max(p for _, p in runs[b]) / 1e6
                return t, peak
            t, peak = cells(args.tenet)
            row = f"| {name} | {mb:.0f} | {t:.2f} s | {peak:.0f} MB | {peak / mb:.2f}× |"
            if args.baseline:
                bt, bpeak = cells(args.baseline)
                same = answer(args.tenet, path) == answer(args.baseline, path)
                row += f" {bt:.2f} s | {bpeak:.0f} MB | {'yes' if same else 'NO'} |"
            print(row, flush=True)
            os.remove(path)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
