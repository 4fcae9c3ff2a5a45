#!/usr/bin/env python3
"""Writes an OCI image layout from raw layer tarballs, trusting nothing and
checking nothing: the tests use it to hand ocimake crafted (hostile) layers.

usage: make_layout.py [--history=JSON] [--bad-diff-id=N] LAYOUT LAYER.tar [LAYER.tar ...]
--history puts JSON (a list of history objects) into the config.
--bad-diff-id=N declares a wrong diff_id for layer N (from 1) in the config.
A layer may be gzip- or zstd-compressed (the media type follows its magic).
"""
import hashlib
import json
import os
import sys


def blob(layout, data):
    digest = hashlib.sha256(data).hexdigest()
    os.makedirs(os.path.join(layout, "blobs", "sha256"), exist_ok=True)
    with open(os.path.join(layout, "blobs", "sha256", digest), "wb") as f:
        f.write(data)
    return {"digest": "sha256:" + digest, "size": len(data)}


def main():
    args, history, bad = sys.argv[1:], None, 0
    while args[0].startswith("--"):
        opt = args.pop(0)
        if opt.startswith("--history="):
            history = json.loads(opt[len("--history="):])
        elif opt.startswith("--bad-diff-id="):
            bad = int(opt[len("--bad-diff-id="):])
    layout, tars = args[0], args[1:]
    os.makedirs(layout, exist_ok=True)
    layers, diff_ids = [], []
    for t in tars:
        data = open(t, "rb").read()
        d = blob(layout, data)
        gz, zst = data[:2] == b"\x1f\x8b", data[:4] == b"\x28\xb5\x2f\xfd"
        d["mediaType"] = "application/vnd.oci.image.layer.v1.tar" + (
            "+gzip" if gz else "+zstd" if zst else "")
        layers.append(d)
        import gzip
        import subprocess
        raw = gzip.decompress(data) if gz else subprocess.run(
            ["zstd", "-dc"], input=data, stdout=subprocess.PIPE, check=True).stdout if zst else data
        diff_ids.append("sha256:" + hashlib.sha256(raw).hexdigest())
    if bad:
        diff_ids[bad - 1] = "sha256:" + hashlib.sha256(b"not the layer").hexdigest()
    config = {"architecture": "amd64", "os": "linux", "config": {},
              "rootfs": {"type": "layers", "diff_ids": diff_ids}}
    if history is not None:
        config["history"] = history
    c = blob(layout, json.dumps(config).encode())
    c["mediaType"] = "application/vnd.oci.image.config.v1+json"
    manifest = {"schemaVersion": 2, "mediaType": "application/vnd.oci.image.manifest.v1+json",
                "config": c, "layers": layers}
    m = blob(layout, json.dumps(manifest).encode())
    m["mediaType"] = "application/vnd.oci.image.manifest.v1+json"
    m["annotations"] = {"org.opencontainers.image.ref.name": "test"}
    with open(os.path.join(layout, "index.json"), "w") as f:
        json.dump({"schemaVersion": 2, "manifests": [m]}, f)
    with open(os.path.join(layout, "oci-layout"), "w") as f:
        f.write('{"imageLayoutVersion":"1.0.0"}')


main()
