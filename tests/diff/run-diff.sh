#!/bin/sh
# Differential completeness test (issue 15): for every mail of the corpora,
# the hostile set, the end-to-end and demo mails, the text an independent
# reader shows (diff.py) must be in fortrolig's segments (fsegdump), or the
# message must be marked incomplete. The locked corpus is reported by counts
# and file names only (--no-content).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
: "${FSEGDUMP:?set FSEGDUMP to the tests/diff/fsegdump binary}"
: "${WORDS:?set WORDS to the word-list directory}"
: "${FORTROLIG_EXTRACTOR:?set FORTROLIG_EXTRACTOR to the fortrolig-extract binary}"
command -v pdftotext >/dev/null || { echo "# pdftotext (poppler-utils) is missing"; exit 77; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cat > "$tmp/diff.conf" <<CONF
council = { senders = [ "*@bakkeby.dk" ]; };
internal_domains = [ "bakkeby.dk" ];
domains = ( { match = "*"; actions = [ "reject" ]; } );
detectors = { keywords = { dir = "$WORDS"; }; };
CONF
pass=0 fail=0

run() {   # name dir [--no-content]
	name=$1 dir=$2
	shift 2
	set -- $(find "$dir" -maxdepth 1 -name '*.eml' | sort) "$@"
	if [ $# -eq 0 ] || [ "$1" = --no-content ]; then
		echo "# $name: no mail in $dir"
		return
	fi
	if python3 "$here/diff.py" --dump "$FSEGDUMP" --conf "$tmp/diff.conf" --words "$WORDS" \
	    --name "$name" --known "$here/known-gaps" "$@" > "$tmp/$name.out"; then
		pass=$((pass + 1))
	else
		fail=$((fail + 1))
	fi
	grep -v '^ok ' "$tmp/$name.out" || true
}

run tune "$top/tests/corpus/dev/tune"
run locked "$top/tests/corpus/dev/locked" --no-content
run hostile "$top/tests/hostile/mail"
run e2e "$top/tests/e2e/mail"
run demo "$top/demo/samples"
run diff "$here/mail"
if [ -n "${CORPUS:-}" ] && [ -d "$CORPUS" ]; then
	run shared "$CORPUS"
else
	echo "# shared: not found at ${CORPUS:-../shared/corpus} (set FORTROLIG_CORPUS)"
fi
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
