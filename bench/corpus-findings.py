#!/usr/bin/env python3
"""Run `tenet check` over the shared corpora and summarise the findings.

Unpacks ../shared/corpora/enron-lay-skilling into a temporary folder (10,076
emails, checked with ../shared/devset/orgs/enron.toml, the organisation's
configuration), writes one draft per post of ../shared/corpora/social-posts/*.csv
(24,798 posts), checks both with the built-in rules, and prints findings per rule
and per 1,000 drafts, plus random samples to read for precision.

    bench/corpus-findings.py [--tenet target/release/tenet] [--baseline OLD_TENET]
                             [--sample 30] [--per-rule 50] [--rules a,b] [--seed 1]
                             [--show-redacted] [--save findings.jsonl]

--baseline adds the same figures for another build (before/after in one run).
--per-rule N shows N random findings of each rule (of --rules, if given), to
judge precision by reading; --show-redacted shows what a redacting rule matched
(read from the corpus file, never from Tenet's output). --save writes every
finding (path, rule, span) in a stable order, so two versions can be diffed.
"""
import argparse, collections, json, os, random, shutil, subprocess, sys, tarfile, tempfile

import social

HERE = os.path.dirname(os.path.abspath(__file__))
SHARED = os.path.join(HERE, "..", "..", "shared", "corpora")


def social_posts(out_dir):
    count = 0
    for source, i, text in social.posts():
        folder = os.path.join(out_dir, source)
        os.makedirs(folder, exist_ok=True)
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


def show(tmp, path, x, show_redacted=False):
    text = read_like_tenet(path).encode("utf-8")
    s, e = x["span"]["start"], x["span"]["end"]
    flat = lambda b: b.decode("utf-8", "replace").replace("\r", " ").replace("\n", " ")
    match = "[redacted]" if x["redacted"] and not show_redacted else flat(text[s:e])[:80]
    print(f"- {x['rule']} ({x['level']}) {os.path.relpath(path, tmp)}: …{flat(text[max(0, s - 60):s])}⟦{match}⟧{flat(text[e:e + 40])}…")


def run(tenet, folder, config=None):
    cmd = [tenet, "check", "--format", "jsonl", folder]
    if config:
        cmd[2:2] = ["--config", config]
    proc = subprocess.run(cmd, capture_output=True, text=True)
    if proc.returncode not in (0, 1):
        sys.exit(f"tenet failed ({proc.returncode}):\n{proc.stderr[-2000:]}")
    files = [json.loads(line) for line in proc.stdout.splitlines() if line.strip()]
    return files, proc.stderr


def check(tenet, corpora):
    """Per corpus: (drafts, findings per rule, [(path, finding)], verdicts, stderr)."""
    out = {}
    for label, folder, config in corpora:
        files, stderr = run(tenet, folder, config)
        counts, verdicts, findings = collections.Counter(), collections.Counter(), []
        for f in files:
            verdicts[f["verdict"]] += 1
            for x in f["findings"]:
                counts[x["rule"]] += 1
                findings.append((f["path"], x))
        out[label] = (len(files), counts, findings, verdicts, stderr)
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--tenet", default=os.path.join(HERE, "..", "target", "release", "tenet"))
    ap.add_argument("--baseline", help="another tenet binary to compare with")
    ap.add_argument("--sample", type=int, default=30)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--save")
    ap.add_argument("--per-rule", type=int, default=0, help="also show this many samples of each rule")
    ap.add_argument("--rules", help="comma-separated rule ids to sample with --per-rule")
    ap.add_argument("--show-redacted", action="store_true")
    ap.add_argument("--enron-config", default=os.path.join(HERE, "..", "..", "shared", "devset", "orgs", "enron.toml"))
    args = ap.parse_args()
    tmp = tempfile.mkdtemp(prefix="tenet-corpus-")
    enron = os.path.join(tmp, "enron")
    with tarfile.open(os.path.join(SHARED, "enron-lay-skilling", "enron-lay-skilling-maildir.tar.gz")) as t:
        t.extractall(enron, filter="data") if hasattr(tarfile, "data_filter") else t.extractall(enron)
    posts = os.path.join(tmp, "posts")
    n_posts = social_posts(posts)
    config = args.enron_config if os.path.exists(args.enron_config) else None
    corpora = [("enron", enron, config), ("social-posts", posts, None)]
    after = check(args.tenet, corpora)
    before = check(args.baseline, corpora) if args.baseline else None
    wanted = set(args.rules.split(",")) if args.rules else None
    saved = []
    for label, _, _ in corpora:
        n, counts, findings, verdicts, stderr = after[label]
        for path, x in findings:
            saved.append((os.path.relpath(path, tmp), x["rule"], x["span"]["start"], x["span"]["end"], x["level"]))
        print(f"## {label}: {n} drafts checked, {sum(counts.values())} findings")
        if stderr.strip():
            print(f"(stderr: {len(stderr.splitlines())} lines, first: {stderr.splitlines()[0]})")
        print("verdicts: " + ", ".join(f"{k} {v}" for k, v in sorted(verdicts.items())))
        per = lambda c, d: f"{1000 * c / d:.1f}" if d else "-"
        if before:
            bn, bcounts, _, bverdicts, _ = before[label]
            print("baseline verdicts: " + ", ".join(f"{k} {v}" for k, v in sorted(bverdicts.items())))
            print("| rule | before | per 1,000 | after | per 1,000 |\n|---|---|---|---|---|")
            for rule in sorted(set(counts) | set(bcounts), key=lambda r: (-counts[r], -bcounts[r], r)):
                print(f"| {rule} | {bcounts[rule]} | {per(bcounts[rule], bn)} | {counts[rule]} | {per(counts[rule], n)} |")
        else:
            print("| rule | findings | per 1,000 drafts |\n|---|---|---|")
            for rule, c in counts.most_common():
                print(f"| {rule} | {c} | {per(c, n)} |")
        random.seed(args.seed)
        if args.sample:
            print(f"\n### {args.sample} random findings")
            for path, x in random.sample(findings, min(args.sample, len(findings))):
                show(tmp, path, x, args.show_redacted)
        if args.per_rule:
            by_rule = collections.defaultdict(list)
            for path, x in findings:
                if wanted is None or x["rule"] in wanted:
                    by_rule[x["rule"]].append((path, x))
            for rule, items in sorted(by_rule.items()):
                print(f"\n#### {rule} ({len(items)} findings, {min(args.per_rule, len(items))} shown)")
                for path, x in random.sample(items, min(args.per_rule, len(items))):
                    show(tmp, path, x, args.show_redacted)
        print()
    if args.save:
        with open(args.save, "w") as f:
            for row in sorted(saved):
                f.write("\t".join(map(str, row)) + "\n")
    print(f"({n_posts} posts checked)")
    shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
