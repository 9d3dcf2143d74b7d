#!/usr/bin/env python3
"""Puts the tables bench/compare.sh printed into the README, in place of those
between its markers (`<!-- bench: begin … -->` and `<!-- bench: end -->`); the
prose around them is written by hand.

    bench/readme.py TABLES README.md
"""
import sys

BEGIN = "<!-- bench: begin"
END = "<!-- bench: end -->"


def main():
    tables, path = sys.argv[1:3]
    text = open(path, encoding="utf-8").read()
    start, end = text.find(BEGIN), text.find(END)
    if start < 0 or end < start:
        sys.exit(f"{path}: no `{BEGIN} … -->` … `{END}` block to replace")
    start = text.index("-->", start) + len("-->")
    body = open(tables, encoding="utf-8").read().strip()
    with open(path, "w", encoding="utf-8") as out:
        out.write(text[:start] + "\n\n" + body + "\n\n" + text[end:])


if __name__ == "__main__":
    sys.exit(main())
