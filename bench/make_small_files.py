#!/usr/bin/env python3
"""Writes a tree of N small files (default 200,000) for the layer memory
benchmark: 100 files of 16 to 80 bytes per directory, directories two levels
deep (d0000/s00/f000.txt), names long enough to be like an install tree's.
usage: make_small_files.py DIR [N]
"""
import os
import sys

root, count = sys.argv[1], int(sys.argv[2]) if len(sys.argv) > 2 else 200000
per_dir, per_top = 100, 20
for i in range(count):
    d = os.path.join(root, "d%04d" % (i // (per_dir * per_top)), "s%02d" % (i // per_dir % per_top))
    if i % per_dir == 0:
        os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, "file-with-a-longer-name-%06d.txt" % i), "w") as f:
        f.write("x" * (16 + i % 64))
