#!/usr/bin/python3
"""tests/e2e/faults-smtp.py - one SMTP transaction that stops half-way
through the message body, for run-faults.sh: the test kills the milter
while the client is in the middle of DATA, then lets the client go on.

Usage: faults-smtp.py PORT FROM TO FILE READY GO OUT

Sends EHLO, MAIL, RCPT, DATA and the first half of FILE (CRLF, dot-stuffed),
creates READY, waits (at most 60 s) until GO exists, sends the rest and the
final dot. Every server reply goes to OUT as "stage reply". Exit status:
0 message accepted (2xx), 4 a 4xx reply, 5 a 5xx reply, 1 anything else."""
import os
import socket
import sys
import time


def wire(path):
    with open(path, "rb") as f:
        lines = f.read().replace(b"\r\n", b"\n").split(b"\n")
    if lines and lines[-1] == b"":
        lines.pop()
    return b"".join((b"." + l if l.startswith(b".") else l) + b"\r\n" for l in lines)


def main():
    port, frm, to, path, ready, go, out = sys.argv[1:8]
    data = wire(path)
    cut = data.rfind(b"\r\n", 0, len(data) // 2) + 2
    s = socket.create_connection(("127.0.0.1", int(port)), timeout=60)
    f = s.makefile("rb")
    log = open(out, "w")

    def reply(stage):
        got = []
        while True:
            line = f.readline()
            if not line:
                log.write(f"{stage} EOF\n")
                log.flush()
                return "EOF"
            got.append(line.decode("latin-1").rstrip("\r\n"))
            if len(line) < 4 or line[3:4] != b"-":
                break
        log.write(f"{stage} {' | '.join(got)}\n")
        log.flush()
        return got[-1][:3]

    def cmd(stage, text):
        s.sendall(text.encode() + b"\r\n")
        return reply(stage)

    def status(code):
        return 4 if code.startswith("4") else 5 if code.startswith("5") else 1

    if reply("banner") != "220" or cmd("ehlo", "EHLO stage.client.invalid") != "250":
        return 1
    for stage, text, want in (("mail", f"MAIL FROM:<{frm}>", "250"),
                              ("rcpt", f"RCPT TO:<{to}>", "250"),
                              ("data", "DATA", "354")):
        code = cmd(stage, text)
        if code != want:
            return status(code)
    s.sendall(data[:cut])
    open(ready, "w").close()
    deadline = time.time() + 60
    while not os.path.exists(go) and time.time() < deadline:
        time.sleep(0.05)
    s.sendall(data[cut:] + b".\r\n")
    code = reply("dot")
    try:
        cmd("quit", "QUIT")
    except OSError:
        pass
    return 0 if code.startswith("2") else status(code)


if __name__ == "__main__":
    sys.exit(main())
