#!/usr/bin/env python3
"""Compare a scrape of fortrolig-milter's /metrics with the messages sent.

usage: check.py SCRAPE EXPECT [TAG]

SCRAPE is the body curl fetched; it is parsed with prometheus_client's own
text parser (Debian: python3-prometheus-client). EXPECT has one line per
message sent (tests/metrics/send.lua): "analysed=1 dir=outbound class=...
findings=cat:where,... action=... mode=... hit=0|1 learned=0|1 reject=...
tempfail=..." ("-" for none). Every series of every family is checked: the
ones the messages account for have their count, all others are 0. Prints
"ok N - ..." lines and "P passed, F failed"; exits 1 when anything failed.
"""
import re
import sys
from collections import Counter

from prometheus_client.parser import text_string_to_metric_families

scrape_path, expect_path = sys.argv[1], sys.argv[2]
tag = sys.argv[3] if len(sys.argv) > 3 else ""
n = passed = failed = 0


def check(ok, what, detail=""):
    global n, passed, failed
    n += 1
    print(("ok" if ok else "not ok"), n, "-", (tag + ": " if tag else "") + what)
    if not ok and detail:
        for line in str(detail).splitlines():
            print("#   " + line)
    passed += bool(ok)
    failed += not ok


text = open(scrape_path, encoding="utf-8").read()
sent = []
for line in open(expect_path, encoding="utf-8"):
    if line.strip():
        sent.append(dict(kv.split("=", 1) for kv in line.split()))
check(len(sent) > 0, f"{len(sent)} messages were sent and recorded")

# What the messages add up to, per family and label set.
want = {
    "fortrolig_messages": Counter(), "fortrolig_findings": Counter(),
    "fortrolig_actions": Counter(), "fortrolig_rejects": Counter(),
    "fortrolig_tempfails": Counter(), "fortrolig_thread_hits": Counter(),
    "fortrolig_thread_learns": Counter(),
}
analysed = 0
for m in sent:
    if m["reject"] != "-":
        want["fortrolig_rejects"][(("reason", m["reject"]),)] += 1
    if m["tempfail"] != "-":
        want["fortrolig_tempfails"][(("cause", m["tempfail"]),)] += 1
    if m["analysed"] != "1":
        continue
    analysed += 1
    want["fortrolig_messages"][(("class", m["class"]), ("direction", m["dir"]))] += 1
    want["fortrolig_thread_hits"][()] += int(m["hit"])
    want["fortrolig_thread_learns"][()] += int(m["learned"])
    if m["dir"] != "outbound":
        continue
    want["fortrolig_actions"][(("action", m["action"]), ("mode", m["mode"]))] += 1
    if m["findings"] != "-":
        for pair in m["findings"].split(","):
            cat, where = pair.split(":")
            want["fortrolig_findings"][(("category", cat), ("where", where))] += 1

try:
    families = {f.name: f for f in text_string_to_metric_families(text)}
    parse_error = ""
except Exception as e:  # the parser's own verdict on the format
    families, parse_error = {}, repr(e)
check(not parse_error, "the Prometheus text parser accepts the scrape", parse_error)

labels_allowed = {
    "fortrolig_messages": {"class", "direction"},
    "fortrolig_findings": {"category", "where"},
    "fortrolig_actions": {"action", "mode"},
    "fortrolig_rejects": {"reason"},
    "fortrolig_tempfails": {"cause"},
    "fortrolig_thread_hits": set(),
    "fortrolig_thread_learns": set(),
}
for name, allowed in labels_allowed.items():
    f = families.get(name)
    check(f is not None and f.type == "counter" and f.documentation,
          f"{name}_total is a counter with HELP text")
    if f is None:
        continue
    got = Counter()
    bad_labels = []
    for s in f.samples:
        check_name = s.name == name + "_total"
        if not check_name or set(s.labels) != allowed:
            bad_labels.append(f"{s.name} {s.labels}")
        got[tuple(sorted(s.labels.items()))] += s.value
    check(not bad_labels, f"{name}_total has exactly the labels {sorted(allowed)}",
          "\n".join(bad_labels))
    expected = want[name]
    missing = [k for k in expected if k not in got]
    check(not missing, f"{name}_total has a series for every expected label set", missing)
    wrong = [f"{dict(k)}: got {got[k]:g}, want {expected.get(k, 0)}"
             for k in got if got[k] != expected.get(k, 0)]
    check(not wrong, f"{name}_total counts what was sent ({sum(expected.values())} in all)",
          "\n".join(wrong))

h = families.get("fortrolig_analysis_seconds")
check(h is not None and h.type == "histogram" and h.documentation,
      "fortrolig_analysis_seconds is a histogram with HELP text")
if h is not None:
    buckets = [(float(s.labels["le"]), s.value) for s in h.samples if s.name.endswith("_bucket")]
    count = [s.value for s in h.samples if s.name.endswith("_count")]
    total = [s.value for s in h.samples if s.name.endswith("_sum")]
    les = [b[0] for b in buckets]
    check(les == sorted(les) and les and les[-1] == float("inf"),
          "buckets ascend and end with le=\"+Inf\"", les)
    check(all(a[1] <= b[1] for a, b in zip(buckets, buckets[1:])), "buckets are cumulative",
          buckets)
    check(count == [analysed] and buckets and buckets[-1][1] == analysed,
          f"_count and the +Inf bucket equal the {analysed} analysed messages",
          f"count {count}, +Inf {buckets[-1][1] if buckets else None}")
    check(len(total) == 1 and 0 < total[0] < 60 * max(analysed, 1),
          "_sum is the positive time the analyses took", total)

# No content, no address, no queue id anywhere in the exposition.
leaks = [w for w in ("@", "140549", "MT0", "bakkeby", "gmail", "lungekr", "Louise")
         if w in text]
check(not leaks, "the scrape carries no address, queue id or content", leaks)
values = set(re.findall(r'="([^"]*)"', text))
odd = [v for v in values if not re.fullmatch(r"[a-z][a-z-]*|\+Inf|[0-9]+(\.[0-9]+)?", v)]
check(not odd, "every label value is a plain word (or a bucket bound)", odd)

print(f"{passed} passed, {failed} failed")
sys.exit(1 if failed else 0)
