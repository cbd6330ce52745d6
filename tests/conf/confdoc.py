#!/usr/bin/env python3
"""fortrolig.conf(5) against the parser's table (lib/conf/config.c).

Fails when a setting the parser accepts is not in the man page, or when the
man page's range or default for an entry written as
  .BR key " (integer MIN\\(enMAX, default DEF )"   or   (string, default \\(dqDEF\\(dq )
differs from the table. Prints "ok N - ..." lines and "P passed, F failed".
"""
import re
import sys

src = open(sys.argv[1], encoding="utf-8").read()
man = open(sys.argv[2], encoding="utf-8").read()
rows = re.findall(r'\{ "([a-z_.]+)", (CT_\w+), OFF\([^)]*\), (-?\w+), (-?\w+), (-?\w+), ([^}]*?) \}', src)
other = re.findall(r'"([a-z_.]+)"', src[src.index("known_other[]"):src.index("};", src.index("known_other[]"))])

# Words the man page sets in bold: .B x, .BR x ", " y, .TP headings.
bold = set()
for line in man.splitlines():
    if line.startswith((".B ", ".BR ", ".BI ", ".IR ", ".RB ")):
        for tok in re.findall(r'[A-Za-z_][A-Za-z0-9_.]*', line[3:]):
            bold.add(tok)
            bold.update(tok.split("."))

# Entries with a type and default, with their group for relative names.
entries, group = {}, None
for line in man.splitlines():
    m = re.match(r'\.BR ([a-z_.]+) " \((.*)$', line)
    if not m:
        continue
    key, rest = m.group(1), m.group(2)
    if rest.startswith("group"):
        group = key
        continue
    full = key if "." in key or group is None else group + "." + key
    entries[full] = rest

n = passed = failed = 0
def check(ok, what):
    global n, passed, failed
    n += 1
    print(("ok" if ok else "not ok"), n, "-", what)
    passed += ok
    failed += not ok

for key, ctype, dflt, lo, hi, sdef in rows:
    parts = key.split(".")
    check(parts[-1] in bold and parts[0] in bold, f"{key} is documented")
    e = entries.get(key)
    if e is None:
        continue
    m = re.match(r'integer (\d+)\\\(en(\d+), default " (\d+) \)', e)
    if m and ctype in ("CT_INT", "CT_INT64"):
        want = (lo.rstrip("LL"), hi.rstrip("LL"), dflt)
        check(m.groups() == want, f"{key}: range and default {m.groups()} match the parser {want}")
    m = re.match(r'string, default " \\\(dq(.*?)\\\(dq \)', e)
    if m and ctype in ("CT_STR", "CT_ENUM"):
        doc = m.group(1).replace("\\-", "-")
        if ctype == "CT_ENUM":
            names = sdef.strip('"').split("|")
            want = names[int(dflt)] if dflt.isdigit() else None
            if want is None:     # an enum constant: its position in the names
                continue
        else:
            want = sdef.strip().strip('"') if sdef.strip().startswith('"') else None
        if want is not None:
            check(doc == want, f"{key}: default {doc!r} matches the parser {want!r}")
for key in other:
    parts = key.split(".")
    check(parts[-1] in bold, f"{key} is documented")
print(f"{passed} passed, {failed} failed")
sys.exit(1 if failed else 0)
