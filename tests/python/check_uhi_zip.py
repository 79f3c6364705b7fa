#!/usr/bin/env python3
"""Independent check of UHI zips written by hist-serial, with Python's zipfile and numpy.

Usage:
    check_uhi_zip.py --version VERSION ORIGINAL.json ARCHIVE.zip [ORIGINAL.json ARCHIVE.zip ...]

ORIGINAL is the UHI JSON file the archive was made from. For each pair the script
  * opens ARCHIVE with ``zipfile`` and runs ``testzip()`` (reads every member, checks CRC-32);
  * expects exactly uhi's members (``uhi.io.zip.write``): per histogram NAME, ``NAME.json`` and
    ``NAME_storage_FIELD.npy`` / ``NAME_axis_I_edges.npy``, NAME escaped as spec.md 4.2 says
    (``/``, ``\\``, control characters and ``%`` before two hex digits become ``%XX``);
  * loads every array the JSON references with ``numpy.load(zip.open(name), allow_pickle=False)``,
    as uhi's reader does, and compares it with the original: dtype (int64 for int storage and
    sparse indices, float64 otherwise, as JSON implies), shape (0-d included) and every element
    (NaN equal to NaN, signed zeros told apart);
  * compares everything else (axes, metadata, uhi_schema) and writer_info, equal except for
    hist-serial's own entry, whose ``version`` must be VERSION.
It prints one JSON object {ARCHIVE: report} on stdout and exits 0 whatever the verdict:

    {"testzip": null, "members": [{"name", "compress_type", "utf8"}], "zip64_end_record": bool,
     "histograms": [...], "arrays": {member: "dtype shape"}, "equal": bool, "diffs": [...]}
"""
import argparse
import json
import re
import sys
import zipfile

import numpy as np

WRITER = "hist-serial"
ESCAPE = re.compile(r"[\x00-\x1f\x7f/\\]|%(?=[0-9A-Fa-f]{2})")


def stem_of(name):
    return ESCAPE.sub(lambda m: "%%%02X" % ord(m.group()), name)


def same_array(got, want):
    if got.dtype != want.dtype or got.shape != want.shape:
        return False
    if got.dtype.kind == "f":
        return bool(np.array_equal(got, want, equal_nan=True) and np.array_equal(np.signbit(got), np.signbit(want)))
    return bool(np.array_equal(got, want))


def check(original_path, archive_path, version):
    diffs = []
    with open(original_path) as f:
        original = json.load(f)
    with open(archive_path, "rb") as f:
        raw = f.read()
    zf = zipfile.ZipFile(archive_path)
    infos = zf.infolist()
    report = {
        "testzip": zf.testzip(),
        "members": [{"name": i.filename, "compress_type": i.compress_type, "utf8": bool(i.flag_bits & 0x800)} for i in infos],
        "zip64_end_record": raw.rfind(b"PK\x06\x06") >= 0 and raw.rfind(b"PK\x06\x07") >= 0,
        "histograms": list(original),
        "arrays": {},
    }
    expected_members = []
    for name, h in original.items():
        stem = stem_of(name)
        where = f"{name!r}"
        expected_members.append(stem + ".json")
        try:
            ours = json.loads(zf.read(stem + ".json"))
        except KeyError:
            diffs.append(f"{where}: no member {stem + '.json'!r}")
            continue

        def load(member, want, at):
            expected_members.append(member)
            arr = np.load(zf.open(member), allow_pickle=False)
            report["arrays"][member] = f"{arr.dtype.str} {list(arr.shape)}"
            if not same_array(arr, want):
                diffs.append(f"{at}: {arr.dtype.str}{arr.shape} {arr.ravel()[:6]} != {want.dtype.str}{want.shape} {want.ravel()[:6]}")

        storage, our_storage = h["storage"], ours.get("storage", {})
        if set(storage) != set(our_storage) or our_storage.get("type") != storage["type"]:
            diffs.append(f"{where}/storage: keys {sorted(our_storage)} != {sorted(storage)}")
        for field, value in storage.items():
            if field == "type":
                continue
            member = f"{stem}_storage_{field}.npy"
            if our_storage.get(field) != member:
                diffs.append(f"{where}/storage/{field}: references {our_storage.get(field)!r}, expected {member!r}")
                continue
            integral = storage["type"] == "int" or field == "index"
            load(member, np.asarray(value, dtype=np.int64 if integral else np.float64), f"{where}/storage/{field}")

        axes, our_axes = h["axes"], ours.get("axes", [])
        if len(axes) != len(our_axes):
            diffs.append(f"{where}/axes: {len(our_axes)} axes, expected {len(axes)}")
        for i, (axis, our_axis) in enumerate(zip(axes, our_axes)):
            if "edges" in axis:
                member = f"{stem}_axis_{i}_edges.npy"
                if our_axis.get("edges") != member:
                    diffs.append(f"{where}/axes/{i}/edges: references {our_axis.get('edges')!r}, expected {member!r}")
                else:
                    load(member, np.asarray(axis["edges"], dtype=np.float64), f"{where}/axes/{i}/edges")
            rest = {k: v for k, v in axis.items() if k != "edges"}
            our_rest = {k: v for k, v in our_axis.items() if k != "edges"}
            if rest != our_rest:
                diffs.append(f"{where}/axes/{i}: {our_rest} != {rest}")

        rest = {k: v for k, v in h.items() if k not in ("storage", "axes", "writer_info")}
        our_rest = {k: v for k, v in ours.items() if k not in ("storage", "axes", "writer_info")}
        if rest != our_rest:
            diffs.append(f"{where}: {our_rest} != {rest}")
        writer_info = dict(h.get("writer_info", {}))
        writer_info[WRITER] = {**writer_info.get(WRITER, {}), "version": version}
        if ours.get("writer_info") != writer_info:
            diffs.append(f"{where}/writer_info: {ours.get('writer_info')} != {writer_info}")

    names = [i.filename for i in infos]
    if sorted(names) != sorted(expected_members):
        diffs.append(f"members {sorted(names)} != {sorted(expected_members)}")
    # Every .npy member is a plain numpy array (no pickles).
    for member in names:
        if member.endswith(".npy") and member not in report["arrays"]:
            np.load(zf.open(member), allow_pickle=False)
    report["equal"] = not diffs
    report["diffs"] = diffs
    return report


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--version", required=True)
    parser.add_argument("pairs", nargs="+")
    args = parser.parse_args()
    if len(args.pairs) % 2:
        parser.error("expected ORIGINAL ARCHIVE pairs")
    out = {}
    for original, archive in zip(args.pairs[::2], args.pairs[1::2]):
        out[archive] = check(original, archive, args.version)
    json.dump(out, sys.stdout)


main()
