#!/bin/bash
# The README's first command: install what is needed, build, and run the demo
# (a throwaway loopback Postfix with fortrolig-milter; every verdict printed;
# nothing left running).
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
export FORTROLIG_BUILD="$top/_build/demo"
"$top/scripts/bootstrap.sh"
export MILTER="$FORTROLIG_BUILD/milter/fortrolig-milter"
export CERTS="$FORTROLIG_BUILD/cmd/fortrolig-certs"
export FORTROLIG_EXTRACTOR="$FORTROLIG_BUILD/cmd/fortrolig-extract"
export WORDS="$top/lib/detect/keywords/words"
exec "$top/demo/run-demo.sh" "$@"
