"""The shared social posts (../shared/corpora/social-posts/*.csv), read as the
benchmarks need them: each post's text, decoded field by field (UTF-8, else
Windows-1252, else Latin-1), in file order.

    python3 bench/social.py OUT.jsonl   # one {"id", "text"} line per post
"""
import csv, io, json, os, sys

HERE = os.path.dirname(os.path.abspath(__file__))
SHARED = os.path.join(HERE, "..", "..", "shared", "corpora")

FILES = [
    ("instagram-promo-captions-posts.csv", "comment"),
    ("twitter-us-airline-Tweets.csv", "text"),
    ("sxsw-brand-tweets-judge-1377884607_tweet_product_company.csv", "tweet_text"),
]


def decode_field(raw: bytes) -> str:
    for enc in ("utf-8", "cp1252", "latin-1"):
        try:
            return raw.decode(enc)
        except UnicodeDecodeError:
            pass
    return raw.decode("latin-1")


def posts():
    """Yields (source, index, text) for every post."""
    for name, column in FILES:
        raw = open(os.path.join(SHARED, "social-posts", name), "rb").read()
        # Split records on the latin-1 view (keeps every byte), decode each field alone.
        rows = csv.DictReader(io.StringIO(raw.decode("latin-1"), newline=""))
        for i, row in enumerate(rows):
            yield name.split("-")[0], i, decode_field((row.get(column) or "").encode("latin-1"))


def write_jsonl(path):
    """Writes every post as a moderation line; returns (posts, bytes of text)."""
    n = size = 0
    with open(path, "w", encoding="utf-8") as f:
        for source, i, text in posts():
            f.write(json.dumps({"id": f"{source}-{i}", "text": text}) + "\n")
            n += 1
            size += len(text.encode("utf-8"))
    return n, size


if __name__ == "__main__":
    n, size = write_jsonl(sys.argv[1])
    print(f"{n} posts, {size} bytes of text", file=sys.stderr)
