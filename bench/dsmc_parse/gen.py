#!/usr/bin/env python3
"""Generates a large dsmc log for the parser benchmark from the real captures.

Usage: gen.py OUT [SIZE_MB] [DATA_DIR]. Concatenates the captures of DATA_DIR (default
tests/data/dsmc, without their source line) in rotation until OUT holds SIZE_MB MiB
(default 256). Every other copy is written as a dsmsched.log (each line prefixed by a
timestamp) and every third with CRLF line ends, so all the parser's line forms are timed.
"""
import os
import sys


def main():
    out = sys.argv[1]
    size = int(sys.argv[2]) if len(sys.argv) > 2 else 256
    here = os.path.dirname(os.path.abspath(__file__))
    data = sys.argv[3] if len(sys.argv) > 3 else os.path.join(here, "..", "..", "tests", "data", "dsmc")
    blocks = []
    for name in sorted(os.listdir(data)):
        if not name.endswith(".txt"):
            continue
        with open(os.path.join(data, name), "rb") as f:
            lines = f.read().split(b"\n")[1:]  # drop the source line
        plain = b"\n".join(lines).rstrip(b"\n") + b"\n"
        stamped = b"".join(b"2019-03-26 03:07:11 " + l + b"\n" for l in lines if l)
        crlf = plain.replace(b"\n", b"\r\n")
        blocks.extend([plain, stamped, crlf])
    target = size * 1024 * 1024
    written = 0
    with open(out, "wb") as f:
        chunk = b"".join(blocks)
        while written < target:
            f.write(chunk)
            written += len(chunk)
    print(f"{out}: {written} bytes from {len(blocks) // 3} captures")


if __name__ == "__main__":
    main()
