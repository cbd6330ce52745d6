#!/bin/sh
# Corpus test: fortrolig-scan over the labelled corpus, with floors (corpus-eval.py).
# The inbound mail is learned first into an LMDB thread memory in the temp dir,
# which persists between the per-file scanner runs.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
: "${SCANNER:?set SCANNER to the fortrolig-scan binary}"
: "${WORDS:?set WORDS to the word-list directory}"
: "${CORPUS:?set CORPUS to the corpus directory}"
if [ ! -f "$CORPUS/manifest.json" ]; then
	echo "corpus not found at $CORPUS (set FORTROLIG_CORPUS)" >&2
	exit 1
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cat > "$tmp/corpus.conf" <<CONF
mode = "enforce";
council = { senders = [ "*@bakkeby.dk" ]; };
internal_domains = [ "bakkeby.dk" ];
quoted_action = "new-thread";
domains = ( { match = "*"; actions = [ "smime", "pgp", "reject" ]; } );
detectors = { keywords = { dir = "$WORDS"; }; };
store = { backend = "lmdb"; path = "$tmp/thread"; key_file = "$tmp/thread.key"; };
CONF
exec python3 "$here/corpus-eval.py" --scanner "$SCANNER" --conf "$tmp/corpus.conf" --corpus "$CORPUS"
