"""Vendor the front-end libraries from the npm registry into the web app's static files.

    .venv/bin/python tools/vendor_static.py

EcoLedger runs on closed government networks: pages may load nothing from a
CDN. This script fetches each pinned package's tarball from the npm registry,
checks it against the registry's published SHA-512 integrity, and copies the
distributed files and the licence into ``src/ecoledger/web/static/vendor/``,
where they are committed and served by the app. Run it again after changing a
version here; ``manifest.json`` records what was vendored.
"""

from __future__ import annotations

import base64
import fnmatch
import hashlib
import io
import json
import shutil
import tarfile
import urllib.request
from pathlib import Path

REGISTRY = "https://registry.npmjs.org"
TARGET = Path(__file__).resolve().parent.parent / "src" / "ecoledger" / "web" / "static" / "vendor"
PACKAGES: dict[str, tuple[str, list[str]]] = {
    "htmx.org": ("2.0.11", ["dist/htmx.min.js", "LICENSE"]),
    "echarts": ("5.6.0", ["dist/echarts.min.js", "LICENSE", "NOTICE"]),
    "leaflet": ("1.9.4", ["dist/leaflet.js", "dist/leaflet.css", "dist/images/*.png", "LICENSE"]),
    "leaflet.markercluster": ("1.5.3", [
        "dist/leaflet.markercluster.js", "dist/MarkerCluster.css",
        "dist/MarkerCluster.Default.css", "MIT-LICENCE.txt",
    ]),
}


def fetch(url: str) -> bytes:
    with urllib.request.urlopen(url, timeout=60) as response:
        return response.read()


def _without_source_map(data: bytes) -> bytes:
    """Drop ``sourceMappingURL`` comments: the maps are not shipped, and the static-file
    manifest refuses references to files that do not exist."""
    lines = data.split(b"\n")
    return b"\n".join(line for line in lines if b"sourceMappingURL=" not in line)


def vendor(name: str, version: str, patterns: list[str]) -> dict[str, object]:
    meta = json.loads(fetch(f"{REGISTRY}/{name}/{version}"))
    tarball = fetch(meta["dist"]["tarball"])
    algorithm, expected = meta["dist"]["integrity"].split("-", 1)
    digest = base64.b64encode(hashlib.sha512(tarball).digest()).decode()
    if algorithm != "sha512" or digest != expected:
        raise SystemExit(f"{name}@{version}: the tarball does not match the registry's integrity")
    destination = TARGET / name
    shutil.rmtree(destination, ignore_errors=True)
    copied = []
    with tarfile.open(fileobj=io.BytesIO(tarball)) as archive:
        for member in archive.getmembers():
            path = member.name.removeprefix("package/")
            if member.isfile() and any(fnmatch.fnmatch(path, p) for p in patterns):
                out = destination / path.removeprefix("dist/")
                out.parent.mkdir(parents=True, exist_ok=True)
                data = archive.extractfile(member).read()  # type: ignore[union-attr]
                out.write_bytes(_without_source_map(data) if out.suffix in (".js", ".css")
                                else data)
                copied.append(str(out.relative_to(TARGET)))
    missing = [
        pattern for pattern in patterns
        if not any(fnmatch.fnmatch(c, f"{name}/{pattern.removeprefix('dist/')}") for c in copied)
    ]
    if missing:
        raise SystemExit(f"{name}@{version}: not in the package: {missing}")
    return {"version": version, "integrity": meta["dist"]["integrity"],
            "license": meta.get("license"), "files": sorted(copied)}


def main() -> None:
    manifest = {name: vendor(name, version, patterns)
                for name, (version, patterns) in PACKAGES.items()}
    (TARGET / "manifest.json").write_text(json.dumps(manifest, indent=2) + "\n")
    for name, entry in manifest.items():
        print(f"{name}@{entry['version']}: {len(entry['files'])} files ({entry['license']})")


if __name__ == "__main__":
    main()
