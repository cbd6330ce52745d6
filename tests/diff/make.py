#!/usr/bin/env python3
"""Writes the differential test's own hostile mail in tests/diff/mail/
(committed; run again only to change them). Each mail puts text where one
reader sees it and a careless one does not: entities, soft breaks, flowed
text, nested and encoded forwards, text attachments in odd encodings, and
Office files with text outside the main body (tracked deletions, SmartArt,
comments, text boxes, slide masters, numeric cells). Every mail carries a
marker word and a CPR number, so a part that is skipped shows as a gap.

Usage: tests/diff/make.py"""
import base64
import io
import os
import quopri
import zipfile

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "mail")
HDR = ("From: Jens Holm <jens@bakkeby.dk>\nTo: Ole <ole@gmail.com>\n"
       "Date: Mon, 2 Nov 2026 10:00:00 +0100\nMessage-ID: <{name}@diff.test>\n"
       "Subject: {subj}\nMIME-Version: 1.0\n")
CLEAR = "Content-Type: text/plain; charset=utf-8\n\nSe vedhæftede.\n"


def put(name, body, subj="Sagen"):
    data = HDR.format(name=name, subj=subj) + body
    with open(os.path.join(OUT, name + ".eml"), "wb") as f:
        f.write(data.encode("utf-8"))


def b64(b):
    if isinstance(b, str):
        b = b.encode("utf-8")
    return base64.encodebytes(b).decode()


def mixed(*parts, boundary="b1"):
    s = f'Content-Type: multipart/mixed; boundary="{boundary}"\n\n'
    for p in parts:
        s += f"--{boundary}\n{p}"
    return s + f"--{boundary}--\n"


def attach(ctype, fname, data):
    return (f'Content-Type: {ctype}; name="{fname}"\n'
            f'Content-Disposition: attachment; filename="{fname}"\n'
            f"Content-Transfer-Encoding: base64\n\n{b64(data)}")


def zipped(members):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for name, text in members:
            z.writestr(name, text)
    return buf.getvalue()


CT = '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>'
W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
A = 'xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main"'
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PPTX = "application/vnd.openxmlformats-officedocument.presentationml.presentation"


def wdoc(body):
    return f'<w:document {W}><w:body>{body}</w:body></w:document>'


def wp(text):
    return f"<w:p><w:r><w:t>{text}</w:t></w:r></w:p>"


def pdf(text):
    # One page, Helvetica, one line: offsets computed, so the xref is right.
    stream = f"BT /F1 12 Tf 72 720 Td ({text}) Tj ET".encode()
    objs = [b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] "
            b"/Resources << /Font << /F1 5 0 R >> >> /Contents 4 0 R >>",
            b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
            b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"]
    out, offs = bytearray(b"%PDF-1.4\n"), []
    for i, o in enumerate(objs, 1):
        offs.append(len(out))
        out += b"%d 0 obj\n" % i + o + b"\nendobj\n"
    x = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objs) + 1)
    for o in offs:
        out += b"%010d 00000 n \n" % o
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objs) + 1, x)
    return bytes(out)


def main():
    os.makedirs(OUT, exist_ok=True)
    # HTML: numeric and named entities, a soft hyphen and NBSP in the text.
    put("html-entities", "Content-Type: text/html; charset=utf-8\n\n"
        "<html><body><p>Borgerens cpr-nr.&nbsp;&#48;&#49;&#48;&#49;&#57;&#48;-&#x31;236 "
        "og diag&shy;nosen &laquo;Skov&aelig;rdsk&oslash;rbug&raquo;.</p></body></html>\n")
    # HTML: text a reader shows in form controls, noscript and tables.
    put("html-forms", "Content-Type: text/html; charset=utf-8\n\n"
        "<html><body><form><textarea>Textareamarkør cpr-nr. 010190-1236</textarea>"
        "<select><option>Optionmarkør</option></select></form>"
        "<noscript>Noscriptmarkør</noscript><table><tr><td>0101</td><td>90-1236</td></tr></table>"
        "<button>Knapmarkør</button></body></html>\n")
    # Quoted-printable soft breaks inside a word and inside the CPR number.
    put("qp-soft-breaks", "Content-Type: text/plain; charset=utf-8\n"
        "Content-Transfer-Encoding: quoted-printable\n\n"
        "Borgerens cpr-nr. 0101=\n90-12=\n36 og misbrugs=\nbehandlingen p=C3=A5 St=\n=C3=B8ttecentret.\n")
    # format=flowed with DelSp=yes: the soft line breaks join words (RFC 3676).
    put("flowed-delsp", "Content-Type: text/plain; charset=utf-8; format=flowed; delsp=yes\n\n"
        "Borgerens cpr-nr. 0101 \n90-1236 og alkohol \nbehandlingen i Flowed \nmarkør.\n")
    # Subject: two encoded words that split the CPR number and a word.
    put("subject-split", CLEAR, subj="=?utf-8?B?Q1BSIDAxMDE5?= =?utf-8?Q?0-1236_Subjekt?=\n"
        " =?utf-8?Q?mark=C3=B8r?=")
    # A forward in a forward: quoted-printable outside, base64 inside, HTML.
    inner = ("From: Sb <sb@bakkeby.dk>\nSubject: Inderst\nContent-Type: text/html; charset=utf-8\n"
             "Content-Transfer-Encoding: base64\n\n"
             + b64("<p>Inderstmarkør cpr-nr. 010190-1236</p>"))
    middle = ("From: Sb <sb@bakkeby.dk>\nSubject: Midterst\nMIME-Version: 1.0\n"
              + mixed("Content-Type: text/plain; charset=utf-8\n\nMidterstmarkør\n",
                      "Content-Type: message/rfc822\n\n" + inner, boundary="b2"))
    put("rfc822-nested-qp", mixed(CLEAR, "Content-Type: message/rfc822\n"
        "Content-Transfer-Encoding: quoted-printable\n\n"
        + quopri.encodestring(middle.encode()).decode()))
    # Text attachments: UTF-16 with a BOM and no charset; Latin-1 declared;
    # a .txt sent as application/octet-stream; an HTML file.
    put("text-attachments", mixed(
        CLEAR,
        attach("text/plain", "utf16.txt", "\ufeffUtf16markør cpr-nr. 010190-1236".encode("utf-16-le")),
        'Content-Type: text/plain; charset=iso-8859-1; name="latin.txt"\n'
        'Content-Disposition: attachment; filename="latin.txt"\nContent-Transfer-Encoding: base64\n\n'
        + b64("Latinmarkør Søren Ærø 020280-1234".encode("latin-1")),
        attach("application/octet-stream", "notat.txt", "Oktetmarkør 030380-2345"),
        attach("text/html", "side.html", "<p>Htmlvedhæftningsmarkør 040480-3456</p>")))
    # Word: a tracked deletion (shown struck through), a text box, a header
    # and a footnote, SmartArt (word/diagrams), runs that split the CPR.
    docx = zipped([
        ("[Content_Types].xml", CT),
        ("word/document.xml", wdoc(
            wp("Dokumentmarkør")
            + "<w:p><w:del><w:r><w:delText>Sletmarkør cpr-nr. 050580-4567</w:delText></w:r></w:del></w:p>"
            + "<w:p><w:r><w:t>cpr 0101</w:t></w:r><w:r><w:t>90-1236</w:t></w:r></w:p>"
            + f"<w:p><w:r><w:pict><w:txbxContent>{wp('Tekstboksmarkør')}</w:txbxContent></w:pict></w:r></w:p>")),
        ("word/header1.xml", f"<w:hdr {W}>{wp('Sidehovedmarkør')}</w:hdr>"),
        ("word/footnotes.xml", f"<w:footnotes {W}><w:footnote>{wp('Fodnotemarkør')}</w:footnote></w:footnotes>"),
        ("word/diagrams/data1.xml", f'<dgm:dataModel xmlns:dgm="d" {A}><dgm:ptLst><dgm:pt><dgm:t>'
         "<a:p><a:r><a:t>Smartartmarkør 060680-5678</a:t></a:r></a:p></dgm:t></dgm:pt></dgm:ptLst></dgm:dataModel>"),
    ])
    put("docx-hidden-places", mixed(CLEAR, attach(DOCX, "notat.docx", docx)))
    # Excel: shared and inline strings, a CPR as a number cell, a comment and
    # a text box in a drawing.
    xlsx = zipped([
        ("[Content_Types].xml", CT),
        ("xl/sharedStrings.xml", '<sst xmlns="x"><si><t>Delttekstmarkør</t></si></sst>'),
        ("xl/worksheets/sheet1.xml", '<worksheet xmlns="x"><sheetData><row r="1">'
         '<c r="A1" t="s"><v>0</v></c><c r="B1"><v>1010901236</v></c>'
         '<c r="C1" t="inlineStr"><is><t>Indlejretmarkør</t></is></c></row></sheetData></worksheet>'),
        ("xl/comments1.xml", '<comments xmlns="x"><commentList><comment ref="A1"><text><r><t>'
         "Kommentarmarkør 070780-6789</t></r></text></comment></commentList></comments>"),
        ("xl/drawings/drawing1.xml", f'<xdr:wsDr xmlns:xdr="x" {A}><xdr:sp><xdr:txBody>'
         "<a:p><a:r><a:t>Tegningsmarkør 080880-7890</a:t></a:r></a:p></xdr:txBody></xdr:sp></xdr:wsDr>"),
    ])
    put("xlsx-hidden-places", mixed(CLEAR, attach(XLSX, "liste.xlsx", xlsx)))
    # PowerPoint: a slide, its notes, the slide master (shown on every
    # slide), and a comment.
    sld = lambda t: f'<p:sld xmlns:p="p" {A}><p:cSld><p:spTree><p:sp><p:txBody><a:p><a:r><a:t>{t}</a:t></a:r></a:p></p:txBody></p:sp></p:spTree></p:cSld></p:sld>'
    pptx = zipped([
        ("[Content_Types].xml", CT),
        ("ppt/slides/slide1.xml", sld("Diasmarkør")),
        ("ppt/notesSlides/notesSlide1.xml", sld("Notemarkør 090980-8901")),
        ("ppt/slideMasters/slideMaster1.xml", sld("Mastermarkør FORTROLIGT 101080-9012")),
        ("ppt/comments/comment1.xml", '<p:cmLst xmlns:p="p"><p:cm><p:text>'
         "Diaskommentarmarkør 111180-0123</p:text></p:cm></p:cmLst>"),
    ])
    put("pptx-hidden-places", mixed(CLEAR, attach(PPTX, "oplaeg.pptx", pptx)))
    # A zip with a text file, a Word file and a PDF.
    inner_docx = zipped([("[Content_Types].xml", CT),
                         ("word/document.xml", wdoc(wp("Zipdocxmarkør 131280-2345")))])
    put("zip-members", mixed(CLEAR, attach("application/zip", "bilag.zip", zipped([
        ("noter/notat.txt", "Zipteksmarkør 141280-3456"),
        ("noter/brev.docx", inner_docx),
        ("brev.pdf", pdf("Zippdfmarkoer 151280-4567"))]))))
    # Alternative parts that differ: both are on the wire, both are read.
    put("alternative-differs", 'Content-Type: multipart/alternative; boundary="a1"\n\n'
        "--a1\nContent-Type: text/plain; charset=utf-8\n\nPlaintekstmarkør\n"
        "--a1\nContent-Type: text/html; charset=utf-8\n\n<p>Htmlmarkør 161280-5678</p>\n--a1--\n")
    # An unknown charset: a reader falls back and still shows the ASCII.
    put("unknown-charset", "Content-Type: text/plain; charset=x-ukendt\n\n"
        "Ukendtmarkoer cpr-nr. 171280-6789\n")
    put("pdf-text", mixed(CLEAR, attach("application/pdf", "brev.pdf",
                                        pdf("Pdfmarkoer cpr-nr. 121280-1234"))))


if __name__ == "__main__":
    main()
