#!/bin/bash
# The whole test suite on a fresh Debian 12 machine: install, build with
# ASan/UBSan and -Werror, then unit, miltertest, real-Postfix e2e and corpus.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
export FORTROLIG_BUILD="$top/_build/ci"
# --with-microhttpd: the metrics endpoint and its test must be built here.
"$top/scripts/bootstrap.sh" --enable-sanitizers --enable-werror --with-microhttpd
cd "$FORTROLIG_BUILD"
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
status=0
make check >check.out 2>&1 || status=$?
# Show every test's own output, then the summaries.
for log in tests/unit/*.log tests/*/*.sh.log; do
	case "$log" in */test-suite.log) continue ;; esac
	[ -f "$log" ] || continue
	echo "===== ${log}"
	cat "$log"
done
grep -E '^(# |PASS|FAIL|XFAIL|ERROR|SKIP)' check.out || true
# One closing line over every check of every suite (Check prints
# "Checks: N, Failures: F, Errors: E"; the script suites "N passed, M failed").
{ cat tests/unit/*.log tests/*/*.sh.log 2>/dev/null || true; } | awk '
	/^[0-9]+%: Checks: / { gsub(",", ""); p += $3 - $5 - $7; f += $5 + $7 }
	/^[0-9]+ passed, [0-9]+ failed/ { p += $1; f += $3 }
	END { printf "%d passed, %d failed\n", p, f }'

if [ "$status" -ne 0 ]; then
	echo "make check failed (exit $status); its last lines:"
	tail -n 40 check.out
	cat tests/test-suite.log tests/unit/test-suite.log 2>/dev/null || true
	exit "$status"
fi
# The Debian package: built, linted, installed, driven by the e2e, purged.
echo "===== tests/package/run-package.sh"
pstatus=0
"$top/tests/package/run-package.sh" || pstatus=$?
if [ "$pstatus" -ne 0 ] && [ "$pstatus" -ne 77 ]; then
	echo "the package test failed (exit $pstatus)"
	exit "$pstatus"
fi
echo "all test suites passed"
