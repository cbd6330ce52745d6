#!/bin/sh
# Corpus test: fortrolig-scan over the labelled corpora, with floors
# (corpus-eval.py). Three reports:
#   tune    tests/corpus/dev/tune    the part detection is tuned on
#   locked  tests/corpus/dev/locked  never tuned on: the figure the README quotes
#   shared  ../shared/corpus         when it is there (FORTROLIG_CORPUS), else said so
# Each report learns its inbound mail first into an LMDB thread memory of its
# own in the temp dir, which persists between the per-file scanner runs.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
: "${SCANNER:?set SCANNER to the fortrolig-scan binary}"
: "${WORDS:?set WORDS to the word-list directory}"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
rc=0

report() {   # name corpus-dir
	mkdir "$tmp/$1"
	cat > "$tmp/$1/corpus.conf" <<CONF
mode = "enforce";
council = { senders = [ "*@bakkeby.dk" ]; };
internal_domains = [ "bakkeby.dk" ];
quoted_action = "new-thread";
domains = ( { match = "*"; actions = [ "smime", "pgp", "reject" ]; } );
detectors = { keywords = { dir = "$WORDS"; }; };
store = { backend = "lmdb"; path = "$tmp/$1/thread"; key_file = "$tmp/$1/thread.key"; };
CONF
	echo "# ---- corpus report: $1 ($2)"
	python3 "$here/corpus-eval.py" --scanner "$SCANNER" --conf "$tmp/$1/corpus.conf" \
	    --corpus "$2" --floors "$1" || rc=1
}

report tune "$here/dev/tune"
report locked "$here/dev/locked"
if [ -n "${CORPUS:-}" ] && [ -f "$CORPUS/manifest.json" ]; then
	report shared "$CORPUS"
else
	echo "# ---- corpus report: shared: not found at ${CORPUS:-../shared/corpus}" \
	    "(set FORTROLIG_CORPUS); the project's own corpus above keeps the floors"
fi
exit $rc
