#!/bin/sh
# fortrolig.conf(5) is true to the parser: every setting is documented, and
# documented ranges and defaults equal the parser's (confdoc.py).
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "${FORTROLIG_SRCDIR:-$here/../..}" && pwd)
exec python3 "$here/confdoc.py" "$top/lib/conf/config.c" "$top/man/fortrolig.conf.5.in"
