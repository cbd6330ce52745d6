#!/usr/bin/env python3
"""Writes the hostile test mail in tests/hostile/mail/ (committed; run again
only to change them). Each mail carries a CPR number next to "cpr-nr." in a
place a careless reader misses. The S/MIME and PGP payloads are made with
openssl and gpg from throwaway keys, so they are real encrypted data.

Usage: tests/hostile/make.py   (needs openssl and gpg)"""
import base64, os, subprocess, tempfile, quopri

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "mail")
CPR = "Borgerens cpr-nr. 010190-1236 skal bruges i sagen.\n"
HDR = ("From: Jens Holm <jens@bakkeby.dk>\nTo: Ole <ole@gmail.com>\n"
       "Date: Mon, 2 Nov 2026 10:00:00 +0100\nMessage-ID: <{name}@hostile.test>\n"
       "Subject: {subj}\nMIME-Version: 1.0\n")


def put(name, body, subj="Sagen", raw=False):
    data = body if raw else (HDR.format(name=name, subj=subj) + body)
    if isinstance(data, str):
        data = data.encode("utf-8")
    with open(os.path.join(OUT, name + ".eml"), "wb") as f:
        f.write(data)


def b64(b):
    if isinstance(b, str):
        b = b.encode("utf-8")
    return base64.encodebytes(b).decode()


def mixed(*parts, boundary="b1"):
    s = f'Content-Type: multipart/mixed; boundary="{boundary}"\n\n'
    for p in parts:
        s += f"--{boundary}\n{p}"
    return s + f"--{boundary}--\n"


CLEAR = "Content-Type: text/plain; charset=utf-8\n\nSe vedhæftede.\n"
CLEAR_CPR = "Content-Type: text/plain; charset=utf-8\n\n" + CPR
INNER = ("From: Sagsbehandler <sb@bakkeby.dk>\nSubject: Sagen\n"
         "Content-Type: text/plain; charset=utf-8\n\n" + CPR)


def smime_blobs(tmp):
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "30",
                    "-subj", "/CN=ole", "-keyout", f"{tmp}/k.pem", "-out", f"{tmp}/c.pem"],
                   check=True, capture_output=True)
    open(f"{tmp}/in.txt", "w").write(CLEAR_CPR)
    enc = subprocess.run(["openssl", "cms", "-encrypt", "-binary", "-outform", "DER", "-aes256",
                          "-in", f"{tmp}/in.txt", f"{tmp}/c.pem"], check=True,
                         capture_output=True).stdout
    sig = subprocess.run(["openssl", "cms", "-sign", "-nodetach", "-binary", "-outform", "DER",
                          "-in", f"{tmp}/in.txt", "-signer", f"{tmp}/c.pem", "-inkey",
                          f"{tmp}/k.pem"], check=True, capture_output=True).stdout
    return enc, sig


def pgp_blob(tmp):
    env = dict(os.environ, GNUPGHOME=f"{tmp}/g")
    os.makedirs(f"{tmp}/g", mode=0o700)
    subprocess.run(["gpg", "--batch", "--pinentry-mode", "loopback", "--passphrase", "",
                    "--quick-gen-key", "ole@gmail.com", "rsa2048", "encr", "1d"],
                   check=True, capture_output=True, env=env)
    return subprocess.run(["gpg", "--batch", "--armor", "--trust-model", "always", "-r",
                           "ole@gmail.com", "--encrypt"], input=CLEAR_CPR.encode(),
                          check=True, capture_output=True, env=env).stdout.decode()


def main():
    os.makedirs(OUT, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        enc, sig = smime_blobs(tmp)
        pgp = pgp_blob(tmp)
    p7m = "Content-Type: application/pkcs7-mime; smime-type=enveloped-data; name=smime.p7m\n"
    # 1. "Already encrypted" per part
    put("p7m-dummy", mixed(CLEAR_CPR, p7m + "Content-Transfer-Encoding: base64\n\n"
                            + b64(b"0123456789")))
    put("smime-enveloped", p7m + "Content-Transfer-Encoding: base64\n\n" + b64(enc))
    put("smime-enveloped-subject", p7m + "Content-Transfer-Encoding: base64\n\n" + b64(enc),
        subj="cpr-nr. 010190-1236")
    put("smime-forwarded-inside", mixed(CLEAR, "Content-Type: message/rfc822\n\n"
        "From: a@b.dk\nSubject: fwd\nMIME-Version: 1.0\n" + p7m
        + "Content-Transfer-Encoding: base64\n\n" + b64(enc)))
    put("smime-signed-opaque", "Content-Type: application/pkcs7-mime; smime-type=signed-data; "
        "name=smime.p7m\nContent-Transfer-Encoding: base64\n\n" + b64(sig))
    pgpmime = ('Content-Type: multipart/encrypted; protocol="application/pgp-encrypted"; '
               'boundary="e1"\n\n--e1\nContent-Type: application/pgp-encrypted\n\nVersion: 1\n'
               '--e1\nContent-Type: application/octet-stream; name="encrypted.asc"\n\n{}'
               '--e1--\n')
    put("pgp-mime", pgpmime.format(pgp))
    put("pgp-mime-fake", pgpmime.format("-----BEGIN PGP MESSAGE-----\n\n" + b64(CPR)
                                        + "-----END PGP MESSAGE-----\n"))
    put("pgp-mime-clear-beside", mixed(CLEAR_CPR, pgpmime.format(pgp).replace('"e1"', '"e2"')
                                       .replace("--e1", "--e2")))
    # 3. message/rfc822 with a transfer encoding
    put("rfc822-base64", mixed(CLEAR, "Content-Type: message/rfc822\n"
        "Content-Transfer-Encoding: base64\n\n" + b64(INNER)))
    put("rfc822-qp", mixed(CLEAR, "Content-Type: message/rfc822\n"
        "Content-Transfer-Encoding: quoted-printable\n\n"
        + quopri.encodestring(INNER.encode(), quotetabs=True).decode() + "\n"))
    # 4. NUL bytes and mislabelled UTF-16
    put("nul-in-text", "Content-Type: text/plain; charset=utf-8\n\nHej\0 der\n" + CPR)
    put("utf16-as-utf8", mixed(CLEAR, "Content-Type: text/plain; charset=utf-8\n"
        "Content-Disposition: attachment; filename=notat.txt\n"
        "Content-Transfer-Encoding: base64\n\n" + b64(("Notat\n" + CPR).encode("utf-16-le"))))
    # 7. HTML nesting
    put("html-deep-300", "Content-Type: text/html; charset=utf-8\n\n<html><body>"
        + "<div>" * 300 + "<p>" + CPR + "</p></body></html>\n")
    put("html-deep-3000", "Content-Type: text/html; charset=utf-8\n\n<html><body>"
        + "<div>" * 3000 + "<p>" + CPR + "</p></body></html>\n")
    # 8. Ambiguous MIME
    put("dup-content-type", "Content-Type: text/plain; charset=utf-8\n"
        "Content-Type: application/octet-stream\n\n" + CPR.replace("cpr-nr. ", "nr. "))
    put("dup-cte", "Content-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: base64\n"
        "Content-Transfer-Encoding: 7bit\n\nHej\n")
    put("multipart-no-boundary", "Content-Type: multipart/mixed\n\n--b\n" + CLEAR + "--b--\n")
    put("multipart-absent-boundary", 'Content-Type: multipart/mixed; boundary="zz"\n\n--b\n'
        + CLEAR + "--b--\n")
    put("multipart-prologue", 'Content-Type: multipart/mixed; boundary="b1"\n\n' + CPR
        + "--b1\n" + CLEAR + "--b1--\n")
    # 2. Addresses: a citizen's mail with a CPR number; who sends it decides
    put("addr-cpr", CLEAR_CPR, raw=False)
    put("subject-huge", "Content-Type: text/plain; charset=utf-8\n\nHej\n",
        subj="Møde " * 30000)


if __name__ == "__main__":
    main()
