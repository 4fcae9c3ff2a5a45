#!/usr/bin/env python3
"""Measures of one image's SBOMs against the image itself, for sbom_scanners.sh.

  sbom_scanners.py measure NAME SPDX CDX ROOTFS SOURCE_ROOT LAYOUT WHATIF_CDX \
      [BASE_LAYOUT] >NAME.json
  sbom_scanners.py status-d SPDX SOURCE_ROOT DIR  (the what-if rootfs's dpkg files)
  sbom_scanners.py table A.json B.json ...   (a markdown table on stdout)

ROOTFS is the unpacked image (umoci unpack); its own layers' regular files
are all of them for a scratch base, else the regular files of the layers
past BASE_LAYOUT's. SOURCE_ROOT the root its libraries were
taken from (the host's / or the toolchain rootfs): its dpkg database is the
truth a Debian package is checked against (`dpkg-query -W` for the version,
the packages' .list files for which package owns an image file).
"""
import collections
import hashlib
import json
import os
import re
import subprocess
import sys


def file_hashes(path):
    sha1, sha256 = hashlib.sha1(), hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            sha1.update(chunk)
            sha256.update(chunk)
    return sha1.hexdigest(), sha256.hexdigest()


# merged /usr: a .list may say /lib/x86_64-linux-gnu/libc.so.6 for the
# image's /usr/lib/x86_64-linux-gnu/libc.so.6.
def canonical(path):
    path = "/" + path.lstrip("./").lstrip("/")
    for top in ("/lib", "/lib64", "/bin", "/sbin", "/lib32", "/libx32"):
        if path == top or path.startswith(top + "/"):
            return "/usr" + path
    return path


def dpkg_truth(root):
    admindir = os.path.join(root, "var/lib/dpkg")
    out = subprocess.run(["dpkg-query", "--admindir=" + admindir, "-W",
                          "-f=${Package}\t${Version}\t${db:Status-Abbrev}\n"],
                         check=True, capture_output=True, text=True).stdout
    versions = {}
    for line in out.splitlines():
        name, version, status = line.split("\t")
        if status.startswith("ii"):
            versions[name] = version
    owner = {}
    info = os.path.join(admindir, "info")
    for entry in os.listdir(info):
        if entry.endswith(".list"):
            package = entry[:-len(".list")].split(":")[0]
            with open(os.path.join(info, entry), errors="replace") as f:
                for line in f:
                    owner.setdefault(canonical(line.rstrip("\n")), package)
    return versions, owner


def image_files(rootfs):
    files = {}
    for top, _, names in os.walk(rootfs):
        for name in names:
            path = os.path.join(top, name)
            if os.path.isfile(path) and not os.path.islink(path):
                files["/" + os.path.relpath(path, rootfs)] = file_hashes(path)
    return files


def deb_of_purl(purl):
    m = re.match(r"pkg:deb/[^/]+/([^@?]+)@([^?#]+)", purl or "")
    if not m:
        return None
    from urllib.parse import unquote
    return unquote(m.group(1)), unquote(m.group(2))


def cdx_debs(comps):
    return {(x["name"], x.get("version")) for x in comps if deb_of_purl(x.get("purl"))}


def manifest_digest(layout):
    return json.load(open(os.path.join(layout, "index.json")))["manifests"][0]["digest"]


def blob(layout, digest):
    return os.path.join(layout, "blobs", *digest.split(":"))


def layers(layout):
    return json.load(open(blob(layout, manifest_digest(layout))))["layers"]


def own_layer_files(layout, base_layout):
    """The regular files of the image's layers past its base's."""
    import io
    import tarfile
    paths = set()
    for layer in layers(layout)[len(layers(base_layout)):]:
        data = open(blob(layout, layer["digest"]), "rb").read()
        if layer["mediaType"].endswith("+zstd"):
            data = subprocess.run(["zstd", "-dc"], input=data, check=True,
                                  capture_output=True).stdout
        with tarfile.open(fileobj=io.BytesIO(data), mode="r:*") as tar:
            paths |= {"/" + m.name.lstrip("./") for m in tar if m.isreg()}
    return paths


def measure(name, spdx_path, cdx_path, rootfs, source_root, layout, whatif_path,
            base_layout=None):
    spdx = json.load(open(spdx_path))
    cdx = json.load(open(cdx_path))
    whatif = json.load(open(whatif_path))
    files = image_files(rootfs)
    if base_layout:
        own = own_layer_files(layout, base_layout)
        files = {p: h for p, h in files.items() if p in own}
    versions, owner = dpkg_truth(source_root)
    owning = {}  # image file -> its Debian package in the source root
    for path in files:
        package = owner.get(canonical(path))
        if package:
            owning[path] = package
    truth_debs = {(p, versions.get(p)) for p in owning.values()}
    config = json.load(open(os.path.join(rootfs, "..", "config.json")))
    program = config["process"]["args"][0]
    digest = manifest_digest(layout)

    # ocimake's SPDX.
    described = {r["relatedSpdxElement"] for r in spdx["relationships"]
                 if r["relationshipType"] == "DESCRIBES"}
    packages = {p["SPDXID"]: p for p in spdx["packages"]}
    others = [p for i, p in packages.items() if i not in described]
    spdx_files = {f["SPDXID"]: f for f in spdx.get("files", [])}
    contains = {r["relatedSpdxElement"]: r["spdxElementId"] for r in spdx["relationships"]
                if r["relationshipType"] == "CONTAINS" and r["relatedSpdxElement"] in spdx_files}
    o = {}
    kinds = collections.Counter()
    o_debs = set()
    for p in others:
        purls = [r["referenceLocator"] for r in p.get("externalRefs", [])
                 if r.get("referenceType") == "purl"]
        deb = next((d for d in map(deb_of_purl, purls) if d), None)
        if deb:
            kinds["deb"] += 1
            o_debs.add(deb)
        else:
            kinds[p.get("primaryPackagePurpose", "?").lower()] += 1
    o["components"] = f"{len(others)} ({', '.join(f'{n} {k}' for k, n in sorted(kinds.items()))})"
    o["debs"] = len(o_debs & truth_debs)
    o["debs_wrong"] = sorted(f"{n} {v}" for n, v in o_debs - truth_debs)
    o["debs_missed"] = sorted(f"{n} {v}" for n, v in truth_debs - o_debs)
    hashed = 0
    attributed = 0
    for i, f in spdx_files.items():
        path = "/" + f["fileName"].lstrip("./")
        sha256 = next((c["checksumValue"] for c in f.get("checksums", [])
                       if c["algorithm"] == "SHA256"), None)
        if path in files and files[path][1] == sha256:
            hashed += 1
            holder = packages.get(contains.get(i), {})
            if path in owning and holder.get("name") == owning[path]:
                attributed += 1
    o["files"] = hashed
    o["attributed"] = attributed
    deb_packages = [p for p in others if any(deb_of_purl(r["referenceLocator"])
                                            for r in p.get("externalRefs", []))]
    licensed = [p for p in others if p.get("licenseDeclared", "NOASSERTION") != "NOASSERTION"]
    o["licenses"] = f"{len(licensed)} of {len(others)} ({len([p for p in licensed if p in deb_packages])} of {len(deb_packages)} deb)"
    holder = None
    for i, f in spdx_files.items():
        if "/" + f["fileName"].lstrip("./") == program:
            holder = packages.get(contains.get(i))
    o["program"] = (f"yes: {program} (sha256) in package `{holder['name']}` "
                    f"{holder.get('versionInfo', '')}" if holder else
                    "no: it is the base's (not in this image's layers)"
                    if program not in files and base_layout else "no")
    image = packages[next(iter(described))]
    purls = [r["referenceLocator"] for r in image.get("externalRefs", [])]
    o["image"] = (f"`{image['name']}` {image.get('versionInfo', '')}, manifest digest "
                  f"{'matches' if any(digest.replace(':', '%3A') in p for p in purls) else 'DIFFERS'}")
    bases = [packages[r["relatedSpdxElement"]] for r in spdx["relationships"]
             if r["relationshipType"] == "DEPENDS_ON" and r["spdxElementId"] in described
             and r["relatedSpdxElement"] in packages]
    o["base"] = ", ".join(
        f"`{b['name']}` (DEPENDS_ON), sha256 "
        + ("= the base's manifest digest" if base_layout and any(
            c["checksumValue"] == manifest_digest(base_layout).split(":")[1]
            for c in b.get("checksums", [])) else "not the base's manifest digest")
        + (", a purl" if b.get("externalRefs") else ", no purl")
        for b in bases) if bases else "none (FROM scratch)"
    tools = [f"`{packages[r['spdxElementId']]['name']}` {packages[r['spdxElementId']].get('versionInfo', '')}"
             for r in spdx["relationships"] if r["relationshipType"] == "BUILD_TOOL_OF"
             and r["spdxElementId"] in packages]
    o["toolchain"] = ", ".join(tools) if tools else "no"
    o["relationships"] = len(spdx["relationships"])
    o["reproducible"] = (f"yes (created {spdx['creationInfo']['created']})"
                         if spdx["creationInfo"]["created"].startswith("1970") else "no")

    # cdxgen's CycloneDX.
    c = {}
    comps = cdx.get("components", [])
    kinds = collections.Counter()
    c_debs = cdx_debs(comps)
    for comp in comps:
        kinds["deb" if deb_of_purl(comp.get("purl")) else comp.get("type", "?")] += 1
    c["components"] = f"{len(comps)} ({', '.join(f'{n} {k}' for k, n in sorted(kinds.items()))})"
    c["debs"] = len(c_debs & truth_debs)
    c["debs_wrong"] = sorted(f"{n} {v}" for n, v in c_debs - truth_debs)
    c["debs_missed"] = sorted(f"{n} {v}" for n, v in truth_debs - c_debs)
    by_sha1 = collections.defaultdict(set)
    for path, (sha1, sha256) in files.items():
        by_sha1[sha1].add(path)
        by_sha1[sha256].add(path)
    covered = set()
    program_comp = None
    for comp in comps:
        srcs = {canonical(p["value"]) for p in comp.get("properties", [])
                if p["name"] == "SrcFile"}
        srcs |= {canonical(e.get("location", "")) for e in
                 comp.get("evidence", {}).get("occurrences", [])}
        for h in comp.get("hashes", []):
            for path in by_sha1.get(h["content"].lower(), ()):
                if not srcs or canonical(path) in srcs:
                    covered.add(path)
        if program in srcs or comp.get("name") == os.path.basename(program):
            program_comp = comp
    c["files"] = len(covered)
    c["attributed"] = 0  # no component of a Debian package holds a file
    licensed = [x for x in comps if x.get("licenses")]
    c["licenses"] = f"{len(licensed)} of {len(comps)}"
    if program_comp:
        c["program"] = (f"as a `{program_comp.get('type')}` component `{program_comp.get('purl', program_comp.get('name'))}`"
                        f"{' ' + program_comp['version'] if program_comp.get('version') else ', no version'}"
                        f"{', ' + '/'.join(h['alg'] for h in program_comp.get('hashes', [])) if program_comp.get('hashes') else ''}")
    else:
        c["program"] = "no"
    top = cdx.get("metadata", {}).get("component", {})
    c["image"] = (f"`{top.get('name')}` {top.get('version', '')}, "
                  f"{'digest given' if digest.split(':')[1] in json.dumps(top) else 'no digest'}")
    layers = next((p["value"] for p in cdx.get("metadata", {}).get("properties", [])
                   if p["name"] == "oci:image:manifest:Layers"), "")
    c["base"] = (f"none named ({len(layers.split(chr(92) + 'n')) if layers else 0} layers listed, "
                 "not which are the base's)")
    # A compiler as a component (gcc-12, g++, clang...), or the GCC version
    # an ELF file's .comment names ("GCC: (Debian 12.2.0-14) 12.2.0").
    compilers = sorted({x.get("name") for x in comps
                        if re.match(r"^(gcc|g\+\+|cpp|clang|llvm)(-[0-9.]+)?$", x.get("name", ""))})
    compilers += sorted(set(re.findall(r"GCC: \([^)]*\) [0-9.]+", json.dumps(comps))))
    c["toolchain"] = ", ".join(compilers) if compilers else "no"
    c["relationships"] = sum(len(d.get("dependsOn", [])) for d in cdx.get("dependencies", []))
    c["reproducible"] = ("no (a urn:uuid serialNumber, timestamp "
                         f"{cdx.get('metadata', {}).get('timestamp')})"
                         if cdx.get("serialNumber") or cdx.get("metadata", {}).get("timestamp")
                         else "yes")
    o["whatif"] = "(n/a)"
    found = cdx_debs(whatif.get("components", []))
    c["whatif"] = (f"{len(found & truth_debs)} of {len(truth_debs)} "
                   f"(+ {len(found - truth_debs)} source packages)")
    json.dump({"name": name, "files": len(files), "truth_debs": len(truth_debs),
               "owned_files": len(owning), "ocimake": o, "cdxgen": c}, sys.stdout, indent=1)
    print()


ROWS = [
    ("components (packages) besides the image", "components"),
    ("Debian packages, name+version = `dpkg-query -W` of the source root", "debs"),
    ("image files with a hash, verified against the file", "files"),
    ("image files attributed to the Debian package owning them", "attributed"),
    ("licenses declared", "licenses"),
    ("the project's own binary (ENTRYPOINT)", "program"),
    ("the image itself", "image"),
    ("base image", "base"),
    ("toolchain / compiler", "toolchain"),
    ("relationships (SPDX) / dependsOn edges (CycloneDX)", "relationships"),
    ("cdxgen, had the image a distroless-style `/var/lib/dpkg/status.d/` and "
     "`/etc/debian_version`: Debian packages, name+version = `dpkg-query -W`", "whatif"),
    ("deterministic document (no random id, no wall-clock time)", "reproducible"),
]


def table(paths):
    results = [json.load(open(p)) for p in paths]
    head = ["measure"]
    for r in results:
        head += [f"{r['name']}: ocimake", f"{r['name']}: cdxgen"]
    lines = ["| " + " | ".join(head) + " |", "|" + " --- |" * len(head)]
    for label, key in ROWS:
        cells = [label]
        for r in results:
            for tool in ("ocimake", "cdxgen"):
                v = r[tool][key]
                if key == "debs":
                    v = f"{v} of {r['truth_debs']}"
                    extra = r[tool]["debs_wrong"]
                    if extra:
                        v += f" (+ not in the root: {', '.join(extra)})"
                elif key in ("files", "attributed"):
                    of = r["files"] if key == "files" else r["owned_files"]
                    v = f"{v} of {of}"
                cells.append(str(v).replace("|", "\\|"))
        lines.append("| " + " | ".join(cells) + " |")
    print("\n".join(lines))
    for r in results:
        for tool in ("ocimake", "cdxgen"):
            if r[tool]["debs_missed"] and r[tool]["debs"]:
                print(f"\n{r['name']}: {tool} misses {', '.join(r[tool]['debs_missed'])}")


def status_d(spdx_path, source_root, out):
    """The dpkg stanzas (`dpkg-query -s`) of the Debian packages the SBOM
    names, one file each as distroless images have them, and the root's
    /etc/debian_version."""
    spdx = json.load(open(spdx_path))
    admindir = "--admindir=" + os.path.join(source_root, "var/lib/dpkg")
    os.makedirs(os.path.join(out, "var/lib/dpkg/status.d"), exist_ok=True)
    os.makedirs(os.path.join(out, "etc"), exist_ok=True)
    for p in spdx["packages"]:
        if any(deb_of_purl(r["referenceLocator"]) for r in p.get("externalRefs", [])):
            stanza = subprocess.run(["dpkg-query", admindir, "-s", p["name"]], check=True,
                                    capture_output=True, text=True).stdout
            with open(os.path.join(out, "var/lib/dpkg/status.d", p["name"]), "w") as f:
                f.write(stanza)
    with open(os.path.join(source_root, "etc/debian_version")) as f:
        version = f.read()
    with open(os.path.join(out, "etc/debian_version"), "w") as f:
        f.write(version)


if __name__ == "__main__":
    if sys.argv[1] == "measure":
        measure(*sys.argv[2:10])
    elif sys.argv[1] == "status-d":
        status_d(*sys.argv[2:5])
    elif sys.argv[1] == "table":
        table(sys.argv[2:])
    else:
        sys.exit(__doc__)
