#!/usr/bin/env python3
"""The folders of plugin/ follow the data path, lowest first, as
plugin/CMakeLists.txt lists them in OCIMAKE_PLUGIN_FOLDERS: a file includes
only from its own folder and the folders before it, and no .cc or .h sits at
plugin/'s top level. Prints each violation and exits 1 if there is one.
usage: include_order.py PLUGIN_DIR"""
import os, re, sys

plugin = sys.argv[1]
cmake = open(os.path.join(plugin, "CMakeLists.txt")).read()
order = re.search(r"set\(OCIMAKE_PLUGIN_FOLDERS ([^)]*)\)", cmake).group(1).split()
rank = {f: i for i, f in enumerate(order)}
bad = []
for name in os.listdir(plugin):
    if name.endswith((".h", ".cc")):
        bad.append(f"plugin/{name}: a source file at plugin/'s top level")
    elif os.path.isdir(os.path.join(plugin, name)) and name not in rank:
        bad.append(f"plugin/{name}/: a folder OCIMAKE_PLUGIN_FOLDERS does not list")
include = re.compile(r'^#include "([a-z_]+)/[a-z_0-9]+\.h"', re.M)
for folder in order:
    for root, _, files in os.walk(os.path.join(plugin, folder)):
        for f in files:
            if not f.endswith((".h", ".cc")):
                continue
            path = os.path.join(root, f)
            for target in include.findall(open(path).read()):
                if target not in rank:
                    bad.append(f"{os.path.relpath(path, plugin)}: includes from unknown folder {target}/")
                elif rank[target] > rank[folder]:
                    bad.append(f"{os.path.relpath(path, plugin)}: {folder}/ includes {target}/, "
                               f"which comes after it")
for line in bad:
    print(line)
print(f"{len(bad)} violations in {len(order)} folders")
sys.exit(1 if bad else 0)
