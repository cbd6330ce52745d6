#!/usr/bin/env python3
"""Differential completeness test (issue 15).

For each mail, an independent reader (Python's email package, html.parser,
zipfile + the Office XML text nodes, pdftotext) extracts the text a person
would see; fortrolig's segments come from fsegdump (fmsg_analyse()). Every
token the reader shows must be among fortrolig's tokens, and every digit run
of six or more digits (CPR numbers) must be within one of fortrolig's digit
runs, unless fortrolig marked the message incomplete (it then fails closed).

Normalisation, applied to both sides alike so it cannot hide a difference
between them: Unicode NFKC (ligatures, full-width digits, NBSP), soft hyphen
and zero-width characters removed, lower case. Tokens are runs of Unicode
letters and digits; only tokens of two or more characters count. A digit run
is digits joined by at most one separator (blank, line break, '-', '.', '/',
Unicode dashes) between them, with the separators removed.

Usage: diff.py --dump FSEGDUMP --conf CONF --words DIR --name NAME
               [--no-content] [--known FILE] MAIL...
Exit status: 0 when no mail has a gap (other than known ones), 1 otherwise.
"""
import argparse
import email
import email.policy
import html.parser
import io
import json
import os
import re
import subprocess
import sys
import tempfile
import unicodedata
import zipfile
import base64
import quopri

TOKEN = re.compile(r"[^\W_]+")
DIGITS = re.compile(r"\d(?:[ \t\r\n\-./\u2010-\u2015\u2212]?\d)*")
INVISIBLE = dict.fromkeys(map(ord, "\u00ad\u200b\u200c\u200d\u2060\ufeff"), None)


def norm(text):
    return unicodedata.normalize("NFKC", text).translate(INVISIBLE).lower()


def tokens(text):
    return {t for t in TOKEN.findall(norm(text)) if len(t) >= 2}


def digit_runs(text):
    runs = set()
    for m in DIGITS.finditer(norm(text)):
        d = re.sub(r"\D", "", m.group(0))
        if len(d) >= 6:
            runs.add(d)
    return runs


class HtmlText(html.parser.HTMLParser):
    # Not rendered by a mail reader: script and style bodies, the head and its
    # title. Comments are dropped by not handling them. Entities are unescaped
    # (convert_charrefs).
    HIDDEN = {"script", "style", "head", "title"}
    BLOCK = {"p", "div", "br", "tr", "td", "th", "li", "table", "h1", "h2", "h3",
             "h4", "h5", "h6", "pre", "hr", "blockquote", "dt", "dd"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.out = []
        self.hidden = 0

    def handle_starttag(self, tag, attrs):
        if tag in self.HIDDEN:
            self.hidden += 1
        if tag in self.BLOCK:
            self.out.append("\n")

    def handle_endtag(self, tag):
        if tag in self.HIDDEN and self.hidden:
            self.hidden -= 1
        if tag in self.BLOCK:
            self.out.append("\n")

    def handle_data(self, data):
        if not self.hidden:
            self.out.append(data)


def html_text(s):
    p = HtmlText()
    p.feed(s)
    p.close()
    return "".join(p.out)


# Office Open XML: the text nodes w:t (Word), w:delText (tracked deletions,
# which Word shows struck through), a:t (DrawingML: PowerPoint, shapes, text
# boxes, SmartArt), t (Excel strings, comments), p:text (PowerPoint comments),
# and a worksheet's <v> unless the cell is a shared string (its <v> is an
# index). Runs of one paragraph are shown joined, as Word does; a paragraph,
# cell, row, tab or break ends a word. Every XML part under word/, ppt/, xl/
# is read: what Office shows from any of them must be analysed.
OOXML_TAG = re.compile(r"<(/?)([A-Za-z0-9_:.-]+)([^>]*?)(/?)>|([^<]+)")
OOXML_T = {"w:t", "w:delText", "a:t", "t", "p:text"}
OOXML_SEP = {"w:p", "a:p", "si", "c", "row", "w:tab", "w:br", "a:br", "w:tc",
             "a:tc", "w:cr", "is", "comment", "p:cm"}
OOXML_PARTS = re.compile(r"^(word|ppt|xl)/.*\.xml$")


def ooxml_xml_text(xml, sheet):
    out, inside, shared = [], 0, False
    for m in OOXML_TAG.finditer(xml):
        close, name, attrs, empty, text = m.groups()
        if text is not None:
            if inside:
                out.append(html.unescape(text))
            continue
        if name == "c" and not close:
            shared = re.search(r"""\bt=["']s["']""", attrs) is not None
        if (name in OOXML_T or (sheet and name == "v" and not shared)) and not empty:
            inside += -1 if close else 1
        elif name in OOXML_SEP:
            out.append("\n")
    return "".join(out)


def ooxml_text(data):
    out = []
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        for name in z.namelist():
            if OOXML_PARTS.match(name):
                out.append(ooxml_xml_text(z.read(name).decode("utf-8", "replace"),
                                          name.startswith("xl/worksheets/")))
    return "\n".join(out)


def pdf_text(data):
    with tempfile.NamedTemporaryFile(suffix=".pdf") as f:
        f.write(data)
        f.flush()
        r = subprocess.run(["pdftotext", "-q", "-enc", "UTF-8", f.name, "-"],
                           capture_output=True, timeout=60)
    return r.stdout.decode("utf-8", "replace")


def decode_text(part):
    # Without a charset the package would read US-ASCII and show U+FFFD; a
    # reader guesses: UTF-8 when it is valid, else windows-1252.
    if part.get_content_charset() is not None and part.get_content_maintype() == "text":
        try:
            return part.get_content()
        except (LookupError, UnicodeError, ValueError):
            pass
    raw = part.get_payload(decode=True) or b""
    for bom, enc in ((b"\xef\xbb\xbf", "utf-8-sig"), (b"\xff\xfe", "utf-16"), (b"\xfe\xff", "utf-16")):
        if raw.startswith(bom):
            return raw.decode(enc, "replace")
    try:
        return raw.decode("utf-8")
    except UnicodeError:
        return raw.decode("cp1252", "replace")


def unflow(s, delsp):
    # RFC 3676 format=flowed: a line ending in a blank is soft, joined to the
    # next; with DelSp=yes that blank goes too. Readers show the joined text.
    out = []
    for line in s.splitlines():
        if line.startswith(" "):
            line = line[1:]       # space-stuffing
        if line.endswith(" ") and line.rstrip() != "--":
            out.append(line[:-1] if delsp else line)
        else:
            out.append(line + "\n")
    return "".join(out)


ICS_ESCAPE = {"n": "\n", "N": "\n", ",": ",", ";": ";", "\\": "\\"}


def unfold(s):
    # RFC 5545 / 6350: a reader unfolds the lines and unescapes the values
    # ("\n", "\,") before it shows a field.
    s = re.sub(r"\r?\n[ \t]", "", s)
    return re.sub(r"\\([nN,;\\])", lambda m: ICS_ESCAPE[m.group(1)], s)


OOXML_EXT = (".docx", ".docm", ".xlsx", ".xlsm", ".pptx", ".pptm")
FOLDED = {"text/calendar", "text/vcard", "text/x-vcard", "text/directory"}


class Reader:
    def __init__(self):
        self.texts = []      # what the reader shows, one string per source

    def message(self, msg):
        try:
            subj = msg["subject"]
        except Exception:     # a header the package cannot parse: its raw value
            subj = msg.get_all("subject", [None])[0] if hasattr(msg, "get_all") else None
        if subj is not None:
            self.texts.append(str(subj))
        self.part(msg)

    def part(self, p):
        ctype = p.get_content_type()
        if ctype == "multipart/encrypted":
            return     # PGP/MIME ciphertext: likewise
        if p.get_content_maintype() == "message":
            self.embedded(p)
            return
        if p.is_multipart():
            if p.preamble:
                self.texts.append(p.preamble)
            if p.epilogue:
                self.texts.append(p.epilogue)
            for sub in p.get_payload():
                self.part(sub)
            return
        fname = p.get_filename()
        if fname:
            self.texts.append(fname)
        low = (fname or "").lower()
        if ctype.endswith("pkcs7-mime") and \
                (p.get_param("smime-type") or "").lower() == "signed-data":
            self.signed(p.get_payload(decode=True) or b"")
            return
        if ctype.endswith("pkcs7-mime") or ctype == "application/pgp-encrypted":
            return     # ciphertext: nothing a reader can show without the key
        data = p.get_payload(decode=True) or b""
        if ctype == "text/html":
            self.texts.append(html_text(decode_text(p)))
        elif ctype.startswith("text/") or low.endswith((".txt", ".csv")):
            t = decode_text(p)
            if ctype == "text/plain" and (p.get_param("format") or "").lower() == "flowed":
                t = unflow(t, (p.get_param("delsp") or "").lower() == "yes")
            self.texts.append(unfold(t) if ctype in FOLDED or low.endswith((".ics", ".vcf")) else t)
        elif low.endswith(OOXML_EXT) or "openxmlformats" in ctype:
            try:
                self.texts.append(ooxml_text(data))
            except (zipfile.BadZipFile, KeyError, OSError):
                pass
        else:
            self.file(low, ctype, data, 0)

    def file(self, low, ctype, data, depth):
        if low.endswith(".pdf") or ctype == "application/pdf":
            self.texts.append(pdf_text(data))
        elif (low.endswith(".zip") or ctype in ("application/zip", "application/x-zip-compressed")) \
                and depth < 3:
            # An archive: a reader opens it and sees its files' names and text.
            try:
                with zipfile.ZipFile(io.BytesIO(data)) as z:
                    for name in z.namelist():
                        self.texts.append(name)
                        self.member(name, z.read(name), depth + 1)
            except (zipfile.BadZipFile, RuntimeError, OSError, NotImplementedError):
                pass

    def member(self, name, data, depth):
        low = name.lower()
        if low.endswith((".txt", ".csv")):
            try:
                self.texts.append(data.decode("utf-8"))
            except UnicodeError:
                self.texts.append(data.decode("cp1252", "replace"))
        elif low.endswith(OOXML_EXT):
            try:
                self.texts.append(ooxml_text(data))
            except (zipfile.BadZipFile, KeyError, OSError):
                pass
        elif low.endswith((".htm", ".html")):
            self.texts.append(html_text(data.decode("utf-8", "replace")))
        else:
            self.file(low, "", data, depth)

    def signed(self, der):
        # Opaque S/MIME signed data: the signed content is in clear; a reader
        # shows it without checking the signature (openssl cms -noverify).
        r = subprocess.run(["openssl", "cms", "-verify", "-noverify", "-inform", "DER"],
                           input=der, capture_output=True, timeout=60)
        if r.returncode == 0:
            self.part(email.message_from_bytes(r.stdout, policy=email.policy.default))

    def embedded(self, p):
        # A forwarded message: the package parses message/rfc822 as a message
        # whatever its transfer encoding, so a base64 or quoted-printable one
        # is decoded here and parsed again.
        cte = (p.get("content-transfer-encoding") or "").strip().lower()
        payload = p.get_payload()
        if cte in ("base64", "quoted-printable"):
            inner = payload[0] if isinstance(payload, list) and payload else None
            if inner is None:
                raw = str(payload or "").encode("utf-8", "surrogateescape")
            elif cte == "base64" and not inner.is_multipart():
                # base64 has no ':', so all of it was taken as the body.
                raw = inner.get_payload().encode("ascii", "replace")
            else:
                raw = inner.as_bytes()
            if cte == "base64":
                raw = re.sub(rb"[^A-Za-z0-9+/]", b"", raw)
                body = base64.b64decode(raw[:len(raw) // 4 * 4])
            else:
                body = quopri.decodestring(raw)
            self.message(email.message_from_bytes(body, policy=email.policy.default))
            return
        if isinstance(payload, list):
            for m in payload:
                self.message(m)
        elif isinstance(payload, str):
            self.message(email.message_from_string(payload, policy=email.policy.default))


def read_mail(path):
    with open(path, "rb") as f:
        msg = email.message_from_bytes(f.read(), policy=email.policy.default)
    r = Reader()
    r.message(msg)
    return r.texts


def dump(args, files):
    out = {}
    for i in range(0, len(files), 40):
        batch = files[i:i + 40]
        r = subprocess.run([args.dump, args.conf, args.words] + batch,
                           capture_output=True, timeout=600)
        for line in r.stdout.decode("utf-8", "surrogateescape").splitlines():
            d = json.loads(line)
            out[d["file"]] = d
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--dump", required=True)
    ap.add_argument("--conf", required=True)
    ap.add_argument("--words", required=True)
    ap.add_argument("--name", required=True)
    ap.add_argument("--no-content", action="store_true",
                    help="print counts and file names only (locked corpus)")
    ap.add_argument("--known", help="file of known gaps: NAME/BASENAME per line")
    ap.add_argument("mails", nargs="+")
    args = ap.parse_args()
    known = set()
    if args.known and os.path.exists(args.known):
        with open(args.known) as f:
            known = {l.split("#")[0].strip() for l in f} - {""}
    segs = dump(args, args.mails)
    n = gaps = incomplete = known_gaps = errors = 0
    for path in args.mails:
        n += 1
        base = os.path.basename(path)
        d = segs.get(path)
        if d is None:
            print(f"not ok {args.name}/{base}: fsegdump gave no result")
            errors += 1
            continue
        if d["incomplete"]:
            incomplete += 1
            print(f"ok {args.name}/{base}: incomplete ({d['reason']}): fails closed")
            continue
        try:
            texts = read_mail(path)
        except Exception as e:   # the reader failed: nothing to compare against
            print(f"ok {args.name}/{base}: reader failed ({type(e).__name__}); not compared")
            continue
        fseg = "\n".join(s["text"] for s in d["segments"])
        have = tokens(fseg)
        have_digits = digit_runs(fseg)
        shown = "\n".join(texts)
        miss = sorted(tokens(shown) - have)
        miss_d = sorted(r for r in digit_runs(shown)
                        if not any(r in h for h in have_digits))
        if not miss and not miss_d:
            print(f"ok {args.name}/{base}")
            continue
        what = f"{len(miss)} tokens, {len(miss_d)} digit runs missing"
        if not args.no_content:
            what += ": " + " ".join((miss_d + miss)[:8])
        if f"{args.name}/{base}" in known:
            known_gaps += 1
            print(f"ok {args.name}/{base}: KNOWN GAP {what}")
        else:
            gaps += 1
            print(f"not ok {args.name}/{base}: GAP {what}")
    print(f"# {args.name}: {n} mails, {gaps} with gaps, {known_gaps} known gaps, "
          f"{incomplete} incomplete (fail closed), {errors} errors")
    return 1 if gaps or errors else 0


if __name__ == "__main__":
    sys.exit(main())
