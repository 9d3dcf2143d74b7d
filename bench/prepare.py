#!/usr/bin/env python3
"""Build benchmark inputs from ../shared/corpora into a folder.

    bench/prepare.py OUT

OUT/drafts/00000.md … 09999.md   the first 10,000 Enron messages in sorted path order,
                                 one draft each: "# Subject", a blank line, the body
OUT/enron-drafts.txt             the same drafts joined by newlines (about 18 MB)
OUT/enron-curly.txt              the same with typographic apostrophes (’ for '), as word
                                 processors and phones write them: text beyond ASCII
OUT/draft-10k.md                 a 10 KB slice of it, cut at a line end
OUT/terms-N.txt                  N distinct terms (N = 100, 1000, 5000, 10000, 100000):
                                 words and word pairs of the corpus, frequent and rare mixed
OUT/terms-N.tenet                a rule file whose one rule finds the terms of terms-N.txt
OUT/names-N.txt, names-N.tenet   N terms like an organisation's list of names: 50 word pairs
                                 of the corpus plus N - 50 made-up names that never occur,
                                 so the findings stay the same whatever N is
"""
import email, email.policy, os, random, re, sys, tarfile

HERE = os.path.dirname(os.path.abspath(__file__))
TARBALL = os.path.join(HERE, "..", "..", "shared", "corpora", "enron-lay-skilling", "enron-lay-skilling-maildir.tar.gz")


def decode(raw: bytes) -> str:
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return raw.decode("cp1252", errors="replace")


def write_rule(out, name):
    """A rule file whose one rule finds every term of NAME.txt."""
    with open(os.path.join(out, f"{name}.tenet"), "w", encoding="utf-8") as f:
        f.write(
            "guideline confidentiality {\n"
            f"  list names = file \"{name}.txt\"\n"
            "  rule listed warning {\n"
            "    find names\n"
            "    message \"“{match}” is on the organisation's list.\"\n"
            "  }\n"
            "}\n"
        )


def main():
    out = sys.argv[1]
    os.makedirs(os.path.join(out, "drafts"), exist_ok=True)
    with tarfile.open(TARBALL) as t:
        members = sorted((m for m in t.getmembers() if m.isfile()), key=lambda m: m.name)[:10000]
        drafts = []
        for m in members:
            raw = t.extractfile(m).read()
            head, _, body = raw.partition(b"\r\n\r\n") if b"\r\n\r\n" in raw[:4096] else raw.partition(b"\n\n")
            msg = email.message_from_bytes(head + b"\n\n", policy=email.policy.compat32)
            subject = decode(str(msg.get("Subject", "")).encode("utf-8", "replace")).strip()
            drafts.append(f"# {subject}\n\n{decode(body)}")
    for i, d in enumerate(drafts):
        with open(os.path.join(out, "drafts", f"{i:05}.md"), "w", encoding="utf-8") as f:
            f.write(d)
    big = "\n".join(drafts)
    with open(os.path.join(out, "enron-drafts.txt"), "w", encoding="utf-8") as f:
        f.write(big)
    with open(os.path.join(out, "enron-curly.txt"), "w", encoding="utf-8") as f:
        f.write(big.replace("'", "\u2019"))
    cut = big.rfind("\n", 0, 10_000)
    with open(os.path.join(out, "draft-10k.md"), "w", encoding="utf-8") as f:
        f.write(big[:cut + 1])

    words = re.findall(r"[A-Za-z][A-Za-z'-]{3,}", big)
    seen, vocab = set(), []
    for w in words:
        if w.lower() not in seen:
            seen.add(w.lower())
            vocab.append(w)
    pairs, pair_seen = [], set()
    for a, b in zip(words, words[1:]):
        p = f"{a} {b}"
        if p.lower() not in pair_seen and p.lower() not in seen:
            pair_seen.add(p.lower())
            pairs.append(p)
    rng = random.Random(42)
    rng.shuffle(vocab)
    rng.shuffle(pairs)
    pool = vocab[:20000] + pairs
    for n in (100, 1000, 5000, 10000, 100000):
        # Half single words, half pairs, so a list both hits often and mostly misses.
        terms = (vocab[: n // 2] + pairs[: n - n // 2]) if n // 2 <= len(vocab) else pool[:n]
        with open(os.path.join(out, f"terms-{n}.txt"), "w", encoding="utf-8") as f:
            f.write("\n".join(terms) + "\n")
        write_rule(out, f"terms-{n}")
    syllables = ["zor", "vex", "qua", "lin", "dra", "mok", "tir", "pel", "uvo", "sar", "kyn", "bel", "ith", "gro"]
    made_up = set()
    while len(made_up) < 100000:
        first = "".join(rng.choice(syllables) for _ in range(rng.randint(2, 3))).capitalize()
        last = "".join(rng.choice(syllables) for _ in range(rng.randint(2, 4))).capitalize()
        made_up.add(f"{first} {last}")
    made_up = sorted(made_up)
    rng.shuffle(made_up)
    for n in (100, 1000, 10000, 100000):
        terms = pairs[:50] + made_up[: n - 50]
        with open(os.path.join(out, f"names-{n}.txt"), "w", encoding="utf-8") as f:
            f.write("\n".join(terms) + "\n")
        write_rule(out, f"names-{n}")
    print(f"{len(drafts)} drafts, {len(big):,} bytes, {len(vocab):,} words, {len(pairs):,} pairs")


if __name__ == "__main__":
    main()
