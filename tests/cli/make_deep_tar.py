#!/usr/bin/env python3
"""Writes a layer tarball of deep paths:
  chain DEPTH   directories d/d/.../d (DEPTH of them), a file "bottom" in the
                deepest, a file "mid" at half the depth
  long N LEN    N nested directories of LEN-character names (N*(LEN+1) bytes
                of path: more than PATH_MAX for 100 50), a file "end" in it
  whiteout DEPTH  the whiteout of d/.../d/d (DEPTH+1 deep): a later layer
                that cuts the chain below DEPTH
  escape DEPTH  at DEPTH, a symlink "up" of DEPTH+5 "../" and a file written
                through it ("up/escaped")
  dotdot DEPTH  an entry d/.../d/../../pwned (DEPTH d's)
usage: make_deep_tar.py OUT.tar KIND ARG...
"""
import io
import sys
import tarfile


def add(t, name, kind="d", data=b"", link=""):
    i = tarfile.TarInfo(name)
    i.mode = 0o755 if kind == "d" else 0o644
    if kind == "d":
        i.type = tarfile.DIRTYPE
    elif kind == "l":
        i.type, i.linkname = tarfile.SYMTYPE, link
    i.size = len(data) if kind == "f" else 0
    t.addfile(i, io.BytesIO(data) if kind == "f" else None)


def main():
    out, kind, args = sys.argv[1], sys.argv[2], [int(a) for a in sys.argv[3:]]
    with tarfile.open(out, "w", format=tarfile.PAX_FORMAT) as t:
        if kind == "chain":
            depth = args[0]
            for n in range(1, depth + 1):
                add(t, "/".join(["d"] * n))
                if n == depth // 2:
                    add(t, "/".join(["d"] * n) + "/mid", "f", b"middle")
            add(t, "/".join(["d"] * depth) + "/bottom", "f", b"bottom of %d" % depth)
        elif kind == "long":
            n, length = args
            parts = [chr(ord("a") + k % 26) * length for k in range(n)]
            for k in range(1, n + 1):
                add(t, "/".join(parts[:k]))
            add(t, "/".join(parts) + "/end", "f", b"the end")
        elif kind == "whiteout":
            add(t, "/".join(["d"] * args[0]) + "/.wh.d", "f")
        elif kind == "escape":
            base = "/".join(["d"] * args[0])
            add(t, base + "/up", "l", link="../" * (args[0] + 5))
            add(t, base + "/up/escaped", "f", b"inside")
        elif kind == "dotdot":
            add(t, "/".join(["d"] * args[0]) + "/../../pwned", "f", b"x")


main()
