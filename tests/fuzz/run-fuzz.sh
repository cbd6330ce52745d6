#!/bin/sh
# Runs each libFuzzer harness briefly (FUZZ_SECONDS each, default 12) under
# ASan+UBSan, seeded from the corpus: whole messages for fuzz_msg, the
# attachments inside them (and a few generated files) for the extractors,
# plus the kept corpora of tests/fuzz/corpus/HARNESS. FUZZ_HARNESSES picks
# harnesses; FUZZ_WORK keeps the grown corpora there (a long campaign).
set -u
: "${FUZZDIR:?set FUZZDIR to the directory with the fuzz binaries}"
: "${CORPUS:?set CORPUS to the corpus directory}"
secs=${FUZZ_SECONDS:-12}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
here=$(cd "$(dirname "$0")" && pwd)
mkdir -p "$tmp/msg" "$tmp/zip" "$tmp/pdf" "$tmp/text" "$tmp/cfb" "$tmp/archive" "$tmp/art" \
    "$tmp/addr" "$tmp/conf"
# Seeds for the address and configuration parsers.
i=0
for a in 'anne@bakkeby.dk' '<Anne@Bakkeby.DK.>' '"x@bakkeby.dk y"@evil.example' \
    '<@relay.example:jens@bakkeby.dk>' 'jens@xn--bkkeby-cua.dk' 'jens@bækkeby.dk' '<>' \
    '"jens x"@bakkeby.dk' 'a.b-c+d@sub.bakkeby.dk' '<jens@[127.0.0.1]>'; do
	i=$((i + 1))
	printf '%s' "$a" >"$tmp/addr/s$i"
done
cp "$here/../../contrib/fortrolig.conf.example" "$tmp/conf/example" 2>/dev/null
for f in "$here"/../miltertest/conf/*.conf; do [ -f "$f" ] && cp "$f" "$tmp/conf/"; done
[ -d "$CORPUS" ] && cp "$CORPUS"/*.eml "$tmp/msg/" 2>/dev/null
python3 - "$CORPUS" "$tmp" <<'PY'
import email, glob, io, os, sys, zipfile
corpus, tmp = sys.argv[1], sys.argv[2]
n = 0
for path in sorted(glob.glob(os.path.join(corpus, "*.eml"))):
    msg = email.message_from_binary_file(open(path, "rb"))
    for part in msg.walk():
        data = part.get_payload(decode=True)
        if not data or part.get_content_maintype() == "multipart":
            continue
        kind = ("zip" if data[:2] == b"PK" else "pdf" if b"%PDF-" in data[:1024]
                else "cfb" if data[:4] == b"\xd0\xcf\x11\xe0" else "text")
        n += 1
        open(os.path.join(tmp, kind, "c%04d" % n), "wb").write(data)
buf = io.BytesIO()
with zipfile.ZipFile(buf, "w") as z:
    z.writestr("[Content_Types].xml", "<Types/>")
    z.writestr("word/document.xml", "<w:document xmlns:w='w'><w:body><w:p><w:r><w:t>CPR 0101"
               "</w:t></w:r><w:r><w:t>90-1234</w:t></w:r></w:p></w:body></w:document>")
    z.writestr("docProps/custom.xml", "<Properties><property name='MSIP_Label_x_Name'>"
               "<lpwstr>Fortroligt</lpwstr></property></Properties>")
open(os.path.join(tmp, "zip", "gen-docx"), "wb").write(buf.getvalue())
buf = io.BytesIO()
with zipfile.ZipFile(buf, "w") as z:
    z.writestr("content.xml", "<d><text:p xmlns:text='t'>a<text:span>b</text:span><text:s/>c</text:p></d>")
    z.writestr("inner.zip", open(os.path.join(tmp, "zip", "gen-docx"), "rb").read())
open(os.path.join(tmp, "zip", "gen-odt"), "wb").write(buf.getvalue())
open(os.path.join(tmp, "text", "gen-u16"), "wb").write("\ufeffFødsel 010190-1234".encode("utf-16-le"))
import gzip, tarfile
open(os.path.join(tmp, "archive", "gen-gz"), "wb").write(gzip.compress("cpr-nr. 010190-1234\n".encode()))
tb = io.BytesIO()
with tarfile.open(fileobj=tb, mode="w:gz") as t:
    data = "Notat: cpr 010190-1234\n".encode()
    ti = tarfile.TarInfo("notat.txt"); ti.size = len(data); t.addfile(ti, io.BytesIO(data))
open(os.path.join(tmp, "archive", "gen-tgz"), "wb").write(tb.getvalue())
PY
for h in msg zip pdf text cfb archive addr conf; do
	[ -d "$here/corpus/$h" ] && cp "$here/corpus/$h/"* "$tmp/$h/" 2>/dev/null
done
work=${FUZZ_WORK:-$tmp}
pass=0 fail=0 i=0
for h in ${FUZZ_HARNESSES:-msg zip pdf text cfb archive addr conf}; do
	i=$((i + 1))
	bin="$FUZZDIR/fuzz_$h"
	if [ "$work" != "$tmp" ]; then
		mkdir -p "$work/$h" && cp "$tmp/$h/"* "$work/$h/" 2>/dev/null
	fi
	if ASAN_OPTIONS=detect_leaks=1:allocator_may_return_null=1 \
	    LSAN_OPTIONS=suppressions="$here/lsan.supp" \
	    UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
	    "$bin" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 -max_len=1048576 \
	    -artifact_prefix="$tmp/art/$h-" "$work/$h" >"$tmp/$h.log" 2>&1; then
		echo "ok $i - fuzz_$h ($(grep -c '^#[0-9]' "$tmp/$h.log") progress lines, $(ls "$work/$h" | wc -l) inputs," \
		    "$(grep -o 'Done [0-9]* runs in [0-9]* second' "$tmp/$h.log" | tail -n1))"
		pass=$((pass + 1))
	else
		echo "not ok $i - fuzz_$h"
		tail -40 "$tmp/$h.log"
		mkdir -p "$FUZZDIR/artifacts" && cp "$tmp/art/"* "$FUZZDIR/artifacts/" 2>/dev/null
		fail=$((fail + 1))
	fi
done
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
