#!/usr/bin/env python3
"""Generates a large dsmc log for the parser benchmark from the real captures.

Usage: gen.py OUT|- [SIZE_MB] [DATA_DIR]. Concatenates the captures of DATA_DIR (default
tests/data/dsmc, without their source line) in rotation until OUT (or standard output,
for `-`: the 10 GB pipe run stores nothing) holds SIZE_MB MiB (default 256). Every other
copy is written as a dsmsched.log (each line prefixed by a timestamp) and every third with
CRLF line ends, so all the parser's line forms are timed. Timestamps vary: each stamped line
is one second after the one before, and the rotation is rendered in several variants that
start on different days, so the parser cannot live off one cached stamp.
"""
import datetime
import os
import sys

VARIANTS = 8


def blocks_for(data, start):
    t = start
    blocks = []
    for name in sorted(os.listdir(data)):
        if not name.endswith(".txt"):
            continue
        with open(os.path.join(data, name), "rb") as f:
            lines = f.read().split(b"\n")[1:]  # drop the source line
        plain = b"\n".join(lines).rstrip(b"\n") + b"\n"
        stamped = []
        for l in lines:
            if l:
                stamped.append(t.strftime("%Y-%m-%d %H:%M:%S ").encode() + l + b"\n")
                t += datetime.timedelta(seconds=1)
        crlf = plain.replace(b"\n", b"\r\n")
        blocks.extend([plain, b"".join(stamped), crlf])
    return b"".join(blocks), len(blocks) // 3


def main():
    out = sys.argv[1]
    size = int(sys.argv[2]) if len(sys.argv) > 2 else 256
    here = os.path.dirname(os.path.abspath(__file__))
    data = sys.argv[3] if len(sys.argv) > 3 else os.path.join(here, "..", "..", "tests", "data", "dsmc")
    base = datetime.datetime(2019, 3, 26, 3, 7, 11)
    chunks = []
    for v in range(VARIANTS):
        chunk, captures = blocks_for(data, base + datetime.timedelta(days=v, hours=v))
        chunks.append(chunk)
    target = size * 1024 * 1024
    written = 0
    f = sys.stdout.buffer if out == "-" else open(out, "wb")
    try:
        i = 0
        while written < target:
            chunk = chunks[i % VARIANTS]
            f.write(chunk)
            written += len(chunk)
            i += 1
        f.flush()
    except BrokenPipeError:
        return
    if out != "-":
        f.close()
        print(f"{out}: {written} bytes from {captures} captures, {VARIANTS} timestamp variants")


if __name__ == "__main__":
    main()
