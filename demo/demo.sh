#!/bin/bash
# The README's first command: install what is needed, build, and run the demo
# (a throwaway loopback Postfix with fortrolig-milter; every verdict printed;
# nothing left running).
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
"$top/scripts/bootstrap.sh"
export MILTER="$top/_build/milter/fortrolig-milter"
export WORDS="$top/lib/detect/keywords/words"
exec "$top/demo/run-demo.sh" "$@"
