#!/usr/bin/env python3
"""smtpload: the SMTP load of bench-e2e.sh.

SESSIONS threads each open one SMTP connection to 127.0.0.1:PORT and send
COUNT copies of one message over it (or, with --seconds, as many as fit in
that time), each with a Message-ID of its own, then quit. All sessions start
together. Prints one line:

  sent=N failed=F elapsed=SECONDS cpu=SECONDS codes=CODE:COUNT,...

cpu is this process's own user+system time, to show the client is not what
limits the rate. Exit 0 when every message was accepted, 1 otherwise.
"""
import argparse
import os
import smtplib
import sys
import threading
import time


def split_at_message_id(data):
    """The message around its Message-ID value: (head, tail)."""
    key = b"\r\nMessage-ID: "
    at = data.find(key)
    if at < 0:
        sys.exit("smtpload: the message has no Message-ID header")
    start = at + len(key)
    end = data.find(b"\r\n", start)
    return data[:start], data[end:]


def session(args, head, tail, num, barrier, result, lock):
    sent, tried, codes = 0, 0, {}
    try:
        barrier.wait()
        end = time.monotonic() + args.seconds if args.seconds else None
        with smtplib.SMTP("127.0.0.1", args.port, local_hostname="bench.client.invalid",
                          timeout=300) as s:
            i = 0
            while (i < args.count) if end is None else (time.monotonic() < end):
                i += 1
                tried += 1
                msg = head + b"<bench-%s-%d-%d@bakkeby.dk>" % (args.tag.encode(), num, i) + tail
                try:
                    s.sendmail(args.sender, [args.rcpt], msg)
                    sent += 1
                except smtplib.SMTPResponseException as e:
                    codes[e.smtp_code] = codes.get(e.smtp_code, 0) + 1
                    s.rset()
                except smtplib.SMTPRecipientsRefused as e:
                    for code, _ in e.recipients.values():
                        codes[code] = codes.get(code, 0) + 1
                    s.rset()
    except (OSError, smtplib.SMTPException) as e:
        codes[type(e).__name__] = codes.get(type(e).__name__, 0) + 1
    with lock:
        result["sent"] += sent
        result["tried"] += tried
        for k, v in codes.items():
            result["codes"][k] = result["codes"].get(k, 0) + v


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--port", type=int, required=True)
    p.add_argument("--sessions", type=int, default=20)
    p.add_argument("--count", type=int, default=50)
    p.add_argument("--sender", required=True)
    p.add_argument("--rcpt", required=True)
    p.add_argument("--file", required=True)
    p.add_argument("--tag", default="x")
    p.add_argument("--seconds", type=float, default=0, help="send for this long instead")
    args = p.parse_args()
    with open(args.file, "rb") as f:
        head, tail = split_at_message_id(f.read())
    barrier = threading.Barrier(args.sessions + 1)
    result, lock = {"sent": 0, "tried": 0, "codes": {}}, threading.Lock()
    threads = [threading.Thread(target=session,
                                args=(args, head, tail, n, barrier, result, lock))
               for n in range(args.sessions)]
    for t in threads:
        t.start()
    c0, t0 = os.times(), time.monotonic()
    barrier.wait()
    for t in threads:
        t.join()
    c1, t1 = os.times(), time.monotonic()
    cpu = (c1.user - c0.user) + (c1.system - c0.system)
    total = result["tried"] if args.seconds else args.sessions * args.count
    codes = ",".join("%s:%d" % kv for kv in sorted(result["codes"].items(), key=str))
    print("sent=%d failed=%d elapsed=%.3f cpu=%.3f codes=%s"
          % (result["sent"], total - result["sent"], t1 - t0, cpu, codes or "-"))
    return 0 if result["sent"] == total else 1


if __name__ == "__main__":
    sys.exit(main())
