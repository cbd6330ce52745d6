#!/usr/bin/env python3
"""Splits the development corpus into a tuning part and a locked part.

The mails were written by eight authors (batches a-h) who were briefed only with
the labelling rules (LABELLING.md), never with the word lists or the code.
A thread (inbound mail and everything that names it in learn_first, linked
transitively) stays in one part. Each thread goes to a part by a keyed hash of
its first file name with a fixed seed, so the split never changes when a file
is edited. Nobody tunes on the locked part: read its report, not its mail.

Usage: split.py STAGING_DIR   (STAGING_DIR holds one folder per batch with
manifest.json); writes tests/corpus/dev/{tune,locked}/."""
import hashlib, json, os, shutil, sys

SEED = b"fortrolig-dev-corpus-2026-12"
HERE = os.path.dirname(os.path.abspath(__file__))


def part_of(name):
    h = hashlib.sha256(SEED + name.encode()).digest()
    return "locked" if h[0] % 2 == 0 else "tune"


def main():
    stage = sys.argv[1]
    entries = []
    for b in sorted(os.listdir(stage)):
        mf = os.path.join(stage, b, "manifest.json")
        if os.path.isfile(mf):
            for e in json.load(open(mf)):
                e["_src"] = os.path.join(stage, b, e["file"])
                entries.append(e)
    parent = {e["file"]: e["file"] for e in entries}

    def find(x):
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for e in entries:
        for l in e.get("learn_first", []):
            a, b = find(e["file"]), find(l)
            if a != b:
                parent[max(a, b)] = min(a, b)
    out = {"tune": [], "locked": []}
    for e in entries:
        out[part_of(find(e["file"]))].append(e)
    for p, es in out.items():
        d = os.path.join(HERE, "dev", p)
        shutil.rmtree(d, ignore_errors=True)
        os.makedirs(d)
        for e in es:
            shutil.copyfile(e.pop("_src"), os.path.join(d, e["file"]))
        json.dump(es, open(os.path.join(d, "manifest.json"), "w"), indent=1, ensure_ascii=False)
        ob = [e for e in es if e["direction"] == "outbound"]
        print(f"{p}: {len(es)} mails, outbound {len(ob)} "
              f"({sum(e['confidential'] for e in ob)} confidential)")


if __name__ == "__main__":
    main()
