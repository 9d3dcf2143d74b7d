#!/usr/bin/env python3
"""Run `tenet check` over the shared corpora and summarise the findings.

Unpacks ../shared/corpora/enron-lay-skilling into a temporary folder (10,076
emails), writes one draft per post of ../shared/corpora/social-posts/*.csv, checks
both with the built-in rules, and prints findings per rule, plus a random sample
to read for precision.

    bench/corpus-findings.py [--tenet target/release/tenet] [--sample 30] [--seed 1]
                             [--save findings.jsonl]

--save writes every finding (path, rule, span) in a stable order, so two engine
versions can be compared with `diff`.
"""
import argparse, collections, csv, io, json, os, random, shutil, subprocess, sys, tarfile, tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
SHARED = os.path.join(HERE, "..", "..", "shared", "corpora")


def decode_field(raw: bytes) -> str:
    for enc in ("utf-8", "cp1252", "latin-1"):
        try:
            return raw.decode(enc)
        except UnicodeDecodeError:
            pass
    return raw.decode("latin-1")


def social_posts(out_dir):
    specs = [
        ("instagram-promo-captions-posts.csv", "comment"),
        ("twitter-us-airline-Tweets.csv", "text"),
        ("sxsw-brand-tweets-judge-1377884607_tweet_product_company.csv", "tweet_text"),
    ]
    count = 0
    for name, column in specs:
        path = os.path.join(SHARED, "social-posts", name)
        raw = open(path, "rb").read()
        # Split records on the latin-1 view (keeps every byte), decode each field alone.
        rows = csv.DictReader(io.StringIO(raw.decode("latin-1"), newline=""))
        folder = os.path.join(out_dir, name.split("-")[0])
        os.makedirs(folder, exist_ok=True)
        for i, row in enumerate(rows):
            text = decode_field((row.get(column) or "").encode("latin-1"))
            with open(os.path.join(folder, f"{i:05}.txt"), "w", encoding="utf-8") as f:
                f.write(text)
            count += 1
    return count


def read_like_tenet(path):
    """The text as tenet reads it: UTF-8, else Windows-1252, line ends untouched."""
    raw = open(path, "rb").read()
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return raw.decode("cp1252", errors="replace")


def show(tmp, path, x):
    text = read_like_tenet(path).encode("utf-8")
    s, e = x["span"]["start"], x["span"]["end"]
    flat = lambda b: b.decode("utf-8", "replace").replace("\r", " ").replace("\n", " ")
    match = "[redacted]" if x["redacted"] else flat(text[s:e])[:80]
    print(f"- {x['rule']} ({x['level']}) {os.path.relpath(path, tmp)}: …{flat(text[max(0, s - 60):s])}⟦{match}⟧{flat(text[e:e + 40])}…")


def run(tenet, folder):
    proc = subprocess.run([tenet, "check", "--format", "jsonl", folder], capture_output=True, text=True)
    if proc.returncode not in (0, 1):
        sys.exit(f"tenet failed ({proc.returncode}):\n{proc.stderr[-2000:]}")
    files = [json.loads(line) for line in proc.stdout.splitlines() if line.strip()]
    return files, proc.stderr


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--tenet", default=os.path.join(HERE, "..", "target", "release", "tenet"))
    ap.add_argument("--sample", type=int, default=30)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--save")
    ap.add_argument("--per-rule", type=int, default=0, help="also show this many samples of each rule")
    args = ap.parse_args()
    tmp = tempfile.mkdtemp(prefix="tenet-corpus-")
    enron = os.path.join(tmp, "enron")
    with tarfile.open(os.path.join(SHARED, "enron-lay-skilling", "enron-lay-skilling-maildir.tar.gz")) as t:
        t.extractall(enron, filter="data") if hasattr(tarfile, "data_filter") else t.extractall(enron)
    posts = os.path.join(tmp, "posts")
    n_posts = social_posts(posts)
    saved = []
    for label, folder in (("enron", enron), ("social-posts", posts)):
        files, stderr = run(args.tenet, folder)
        counts = collections.Counter()
        verdicts = collections.Counter()
        findings = []
        for f in files:
            verdicts[f["verdict"]] += 1
            text = None
            for x in f["findings"]:
                counts[x["rule"]] += 1
                findings.append((f["path"], x))
                saved.append((os.path.relpath(f["path"], tmp), x["rule"], x["span"]["start"], x["span"]["end"], x["level"]))
        print(f"## {label}: {len(files)} drafts checked, {sum(counts.values())} findings")
        if stderr.strip():
            print(f"(stderr: {len(stderr.splitlines())} lines, first: {stderr.splitlines()[0]})")
        print("verdicts: " + ", ".join(f"{k} {v}" for k, v in sorted(verdicts.items())))
        print("| rule | findings |\n|---|---|")
        for rule, n in counts.most_common():
            print(f"| {rule} | {n} |")
        random.seed(args.seed)
        print(f"\n### {args.sample} random findings")
        for path, x in random.sample(findings, min(args.sample, len(findings))):
            show(tmp, path, x)
        if args.per_rule:
            by_rule = collections.defaultdict(list)
            for path, x in findings:
                by_rule[x["rule"]].append((path, x))
            for rule, items in sorted(by_rule.items()):
                print(f"\n#### {rule}")
                for path, x in random.sample(items, min(args.per_rule, len(items))):
                    show(tmp, path, x)
        print()
    if args.save:
        with open(args.save, "w") as f:
            for row in sorted(saved):
                f.write("\t".join(map(str, row)) + "\n")
    print(f"({n_posts} posts checked)")
    shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
