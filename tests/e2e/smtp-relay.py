#!/usr/bin/env python3
"""tests/e2e/smtp-relay.py - a plain SMTP client that plays an Exchange relay.

    smtp-relay.py PORT FROM TO[,TO...] MESSAGE-FILE

Speaks EHLO, MAIL, RCPT, DATA to 127.0.0.1:PORT and prints the server's raw
reply lines to the end of DATA, exactly as received (CRLF removed), one a
line. Earlier replies go to stderr. Exit 0 for 2xx, 4 for 4xx, 5 for 5xx at
the end of DATA, 3 when an earlier command failed."""
import socket
import sys


def reply(f):
    lines = []
    while True:
        raw = f.readline()
        if not raw:
            raise SystemExit("connection closed")
        line = raw.rstrip(b"\r\n")
        lines.append(line)
        if len(line) < 4 or line[3:4] != b"-":
            return int(line[:3]), lines


def cmd(sock, f, text, want):
    sock.sendall(text.encode("ascii") + b"\r\n")
    code, lines = reply(f)
    for line in lines:
        sys.stderr.buffer.write(b"<< " + line + b"\n")
    if code // 100 != want:
        sys.stdout.buffer.write(b"\n".join(lines) + b"\n")
        raise SystemExit(3)
    return code


def main():
    port, sender, rcpts, path = sys.argv[1], sys.argv[2], sys.argv[3].split(","), sys.argv[4]
    with open(path, "rb") as fh:
        body = fh.read().replace(b"\r\n", b"\n").split(b"\n")
    if body and body[-1] == b"":
        body.pop()
    data = b"".join((b"." + l if l.startswith(b".") else l) + b"\r\n" for l in body) + b".\r\n"
    sock = socket.create_connection(("127.0.0.1", int(port)), timeout=60)
    f = sock.makefile("rb")
    reply(f)
    cmd(sock, f, "EHLO exchange.e2e.invalid", 2)
    cmd(sock, f, "MAIL FROM:<%s>" % sender, 2)
    for r in rcpts:
        cmd(sock, f, "RCPT TO:<%s>" % r, 2)
    cmd(sock, f, "DATA", 3)
    sock.sendall(data)
    code, lines = reply(f)
    sys.stdout.buffer.write(b"\n".join(lines) + b"\n")
    sock.sendall(b"QUIT\r\n")
    sock.close()
    sys.exit({2: 0, 4: 4, 5: 5}.get(code // 100, 3))


main()
