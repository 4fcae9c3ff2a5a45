#!/usr/bin/env python3
"""Writes an OCI image layout from raw layer tarballs, trusting nothing and
checking nothing: the tests use it to hand ocimake crafted (hostile) layers.

usage: make_layout.py LAYOUT LAYER.tar [LAYER.tar ...]
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
    layout, tars = sys.argv[1], sys.argv[2:]
    os.makedirs(layout, exist_ok=True)
    layers, diff_ids = [], []
    for t in tars:
        data = open(t, "rb").read()
        d = blob(layout, data)
        gz = data[:2] == b"\x1f\x8b"
        d["mediaType"] = "application/vnd.oci.image.layer.v1.tar" + ("+gzip" if gz else "")
        layers.append(d)
        import gzip
        diff_ids.append("sha256:" + hashlib.sha256(gzip.decompress(data) if gz else data).hexdigest())
    config = {"architecture": "amd64", "os": "linux", "config": {},
              "rootfs": {"type": "layers", "diff_ids": diff_ids}}
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
