#!/bin/bash
# Fail-closed cases: every mail in tests/hostile/mail hides a CPR number (or
# is unreadable) in a way that once let it out in clear. fortrolig-scan must
# give the verdict in tests/hostile/cases. Prints TAP-like lines and
# "N passed, M failed".
set -u
here=$(cd "$(dirname "$0")" && pwd)
: "${SCANNER:?set SCANNER to the fortrolig-scan binary}"
: "${WORDS:?set WORDS to the word-list directory}"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cat >"$tmp/scan.conf" <<CONF
council = { senders = [ "*@bakkeby.dk" ]; };
internal_domains = [ "bakkeby.dk", "bækkeby.dk" ];
domains = ( { match = "*"; actions = [ "smime", "pgp", "reject" ]; } );
detectors = { keywords = { dir = "$WORDS"; }; };
CONF
pass=0 fail=0 n=0
while read -r file checks_and_args; do
	case "$file" in ''|'#'*) continue ;; esac
	checks=${checks_and_args%%--*}
	args=()
	# The arguments are shell words (quoted local parts); the file is ours.
	case "$checks_and_args" in *--*) eval "args=(--${checks_and_args#*--})" ;; esac
	n=$((n + 1))
	json=$("$SCANNER" -c "$tmp/scan.conf" "${args[@]}" "$here/mail/$file.eml" 2>"$tmp/err")
	rc=$?
	if [ $rc -gt 1 ]; then
		echo "not ok $n - $file ${args[*]}: scanner exit $rc: $(head -c 300 "$tmp/err")"
		fail=$((fail + 1))
		continue
	fi
	why=$(python3 - "$json" $checks <<'PY'
import json, sys
d = json.loads(sys.argv[1])
bad = []
for c in sys.argv[2:]:
    k, _, v = c.partition("=")
    v = v.replace("_", " ")
    r0 = d["recipients"][0] if d["recipients"] else {}
    ok = {"action": lambda: d["action"] == v, "rcpt": lambda: r0.get("action") == v,
          "reason": lambda: r0.get("reason") == v, "cat": lambda: v in d["categories"],
          "incomplete": lambda: "incomplete" in d, "encatt": lambda: "encrypted_attachment" in d,
          "clean": lambda: not d["confidential"]}[k]()
    if not ok:
        bad.append(c)
print(" ".join(bad))
PY
)
	if [ -z "$why" ]; then
		echo "ok $n - $file ${args[*]}"
		pass=$((pass + 1))
	else
		echo "not ok $n - $file ${args[*]}: expected $why; got $json"
		fail=$((fail + 1))
	fi
done <"$here/cases"
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
