#!/usr/bin/env python3
"""Corpus test: run fortrolig-scan over a labelled corpus and check floors.

Prints recall and false positives by difficulty and by `where`, then one
check per floor and a final "N passed, M failed" line. Exit 1 below a floor.
Floors are set honestly for what the code does now; raise them as it improves.

--floors picks the set: "shared" (../shared/corpus), "tune" and "locked"
(tests/corpus/dev/). The locked part is never tuned on, so its misses are
reported as counts only unless --show-locked is given.
"""
import argparse
import json
import os
import subprocess
import sys
from collections import defaultdict

# (name, kind, difficulty or None, floor). recall floors are minima, fp floors maxima.
FLOORS = {
    "shared": [
        ("recall easy", "recall", "easy", 1.00),
        ("recall medium", "recall", "medium", 0.90),
        ("false positives easy", "fp", "easy", 0.0),
        ("false positives medium", "fp", "medium", 0.0),
        ("false positives all clean outbound", "fp", None, 0.02),
        ("recall on everything that is not a thread case", "recall", "non-thread", 0.95),
        ("recall thread", "recall", "thread", 0.95),
        # Of those, found by the thread memory itself (category "thread"): m062 paraphrases
        # the inbound mail in new words, which fingerprints cannot see (keywords catch it).
        ("thread memory hits on thread cases", "recall", "thread-cat", 0.90),
    ],
    # The development corpus (issue 14's targets: locked recall >= 97%, hard >= 85%,
    # thread >= 95%, false positives <= 2%). These floors guard what is reached;
    # the tune floors fell when batch h (written blind) was split in.
    "tune": [
        ("recall all", "recall", None, 0.88),
        ("recall hard", "recall", "hard", 0.79),
        ("recall thread", "recall", "thread", 0.82),
        ("false positives all clean outbound", "fp", None, 0.01),
    ],
    "locked": [
        ("recall all", "recall", None, 0.74),
        ("recall hard", "recall", "hard", 0.52),
        ("recall thread", "recall", "thread", 0.72),
        ("false positives all clean outbound", "fp", None, 0.08),
    ],
}


def scan(scanner, conf, corpus, entry):
    path = os.path.join(corpus, entry["file"])
    p = subprocess.run([scanner, "-c", conf, path], capture_output=True, text=True)
    if p.returncode not in (0, 1):
        raise SystemExit(f"fortrolig-scan failed on {path} (exit {p.returncode}): {p.stderr}")
    return json.loads(p.stdout.strip().splitlines()[-1])


def learn(scanner, conf, corpus, manifest):
    """Feeds the inbound mail, in manifest order, to the thread memory."""
    files = [os.path.join(corpus, e["file"]) for e in manifest if e["direction"] == "inbound"]
    if not files:
        return
    p = subprocess.run([scanner, "-c", conf, "--learn"] + files, capture_output=True, text=True)
    if p.returncode not in (0, 1):
        raise SystemExit(f"fortrolig-scan --learn failed (exit {p.returncode}): {p.stderr}")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--scanner", required=True)
    ap.add_argument("--conf", required=True)
    ap.add_argument("--corpus", required=True)
    ap.add_argument("--verbose", action="store_true")
    ap.add_argument("--no-learn", action="store_true", help="skip the inbound learning step")
    ap.add_argument("--floors", choices=sorted(FLOORS), default="shared")
    ap.add_argument("--show-locked", action="store_true",
                    help="list the locked part's misses (for the closing report, not for tuning)")
    a = ap.parse_args()
    manifest = json.load(open(os.path.join(a.corpus, "manifest.json")))
    if not a.no_learn:
        learn(a.scanner, a.conf, a.corpus, manifest)
    tp = defaultdict(int); pos = defaultdict(int); fp = defaultdict(int); neg = defaultdict(int)
    wtp = defaultdict(int); wpos = defaultdict(int)
    misses, falses = [], []
    for e in manifest:
        if e["direction"] != "outbound":
            continue  # inbound mail is only learned from
        verdict = scan(a.scanner, a.conf, a.corpus, e)
        got = verdict["confidential"]
        d = e["difficulty"]
        if e["confidential"]:
            pos[d] += 1; pos["all"] += 1
            for w in e["where"]:
                wpos[w] += 1
                wtp[w] += got
            if "thread" not in e["categories"]:
                pos["non-thread"] += 1; tp["non-thread"] += got
            if "thread" in e["categories"]:
                pos["thread"] += 1; tp["thread"] += got
                pos["thread-cat"] += 1; tp["thread-cat"] += "thread" in verdict["categories"]
            if got:
                tp[d] += 1; tp["all"] += 1
            else:
                misses.append(f'{e["file"]} ({d}, {",".join(e["categories"])}): {e["note"]}')
        else:
            neg[d] += 1; neg["all"] += 1
            if got:
                fp[d] += 1; fp["all"] += 1
                falses.append(f'{e["file"]} ({d}): {e["note"]}')
    print("difficulty  recall            false positives")
    for d in ("easy", "medium", "hard", "non-thread", "thread", "thread-cat", "all"):
        r = tp[d] / pos[d] if pos[d] else 1.0
        f = fp[d] / neg[d] if neg[d] else 0.0
        print(f"{d:10}  {tp[d]:3}/{pos[d]:<3} {r:6.1%}    {fp[d]:3}/{neg[d]:<3} {f:6.1%}")
    print("where       recall (a message counts under each of its labels)")
    for w in sorted(wpos):
        print(f"{w:10}  {wtp[w]:3}/{wpos[w]:<3} {wtp[w] / wpos[w]:6.1%}")
    quiet = a.floors == "locked" and not a.show_locked
    if quiet:
        print(f"locked part: {len(misses)} missed, {len(falses)} false positives "
              "(not listed: nobody tunes on it)")
    if not quiet and (a.verbose or misses):
        print("missed:"); [print("  " + m) for m in misses]
    if not quiet and (a.verbose or falses):
        print("false positives:"); [print("  " + m) for m in falses]
    passed = failed = 0
    for n, (name, kind, d, floor) in enumerate(FLOORS[a.floors], 1):
        key = d or "all"
        if kind == "recall":
            val = tp[key] / pos[key] if pos[key] else 1.0
            ok = val >= floor
        else:
            val = fp[key] / neg[key] if neg[key] else 0.0
            ok = val <= floor
        print(f'{"ok" if ok else "not ok"} {n} - {name}: {val:.1%} (floor {floor:.0%})')
        passed += ok; failed += not ok
    print(f"{passed} passed, {failed} failed")
    return 0 if failed == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
