#!/usr/bin/python3
"""tests/e2e/faults-extractor.py - an attachment extractor that never
answers, for run-faults.sh. The library starts its extractor (zygote) with
its socket on stdin and sends one request per attachment; this one never
reads them, so every extraction runs out of time, until it is killed.

Usage: faults-extractor.py PENDING RESTORED

On the first pending request it appends its pid to PENDING (the test then
knows the milter waits on it). It exits when the milter closes its end, or
when RESTORED exists (the fault is removed: the library starts its
extractor again on the next attachment)."""
import os
import select
import sys


def main():
    pending, restored = sys.argv[1:3]
    p = select.poll()
    p.register(0, select.POLLIN | select.POLLRDHUP)
    told = False
    while not os.path.exists(restored):
        for _, ev in p.poll(200):
            if ev & (select.POLLHUP | select.POLLRDHUP | select.POLLERR | select.POLLNVAL):
                return 0
            if ev & select.POLLIN and not told:
                with open(pending, "a") as f:
                    f.write(f"{os.getpid()}\n")
                told = True
                # Only the peer's close wakes us from now on: the request
                # stays unread in the socket.
                p.modify(0, select.POLLRDHUP)
    return 0


if __name__ == "__main__":
    sys.exit(main())
