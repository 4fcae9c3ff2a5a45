#!/usr/bin/env python3
"""Writes a tarball of crafted entries, one per argument:
  f:NAME[:CONTENT]   regular file        d:NAME          directory
  l:NAME:TARGET      symlink             h:NAME:TARGET   hardlink
  c:NAME             character device    s:NAME          setuid-root file
  z:NAME:BYTES       file of BYTES zero bytes (compresses to nothing)
  x:NAME[:CONTENT]   executable file (0755)
usage: make_tar.py OUT.tar[.gz] ENTRY...
"""
import io
import sys
import tarfile

out, entries = sys.argv[1], sys.argv[2:]
with tarfile.open(out, "w:gz" if out.endswith(".gz") else "w", format=tarfile.PAX_FORMAT) as t:
    for e in entries:
        kind, rest = e.split(":", 1)
        name, _, arg = rest.partition(":")
        i = tarfile.TarInfo(name)
        i.mode = 0o644
        data = None
        if kind == "f":
            data = arg.encode()
        elif kind == "x":
            data, i.mode = arg.encode(), 0o755
        elif kind == "z":
            data = bytes(int(arg))
        elif kind == "s":
            data = b"suid"
            i.mode = 0o4755
        elif kind == "d":
            i.type, i.mode = tarfile.DIRTYPE, 0o755
        elif kind == "l":
            i.type, i.linkname = tarfile.SYMTYPE, arg
        elif kind == "h":
            i.type, i.linkname = tarfile.LNKTYPE, arg
        elif kind == "c":
            i.type, i.devmajor, i.devminor = tarfile.CHRTYPE, 1, 3
        if data is not None:
            i.size = len(data)
            t.addfile(i, io.BytesIO(data))
        else:
            t.addfile(i)
