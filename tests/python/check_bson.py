#!/usr/bin/env python3
"""Independent check of a hist-serial BSON file (spec.md 4.3) with pymongo's ``bson`` and numpy.

Usage:
    check_bson.py --version VERSION ORIGINAL.json OUTPUT.bson

ORIGINAL is the UHI JSON file hist-serial read, OUTPUT the BSON file it wrote. The script
  * walks OUTPUT's bytes itself (``struct``, no BSON library): the int32 length equals the file size,
    the elements are ``format``, ``version``, ``histograms``, ``buffers`` in this order, and every
    buffer's ``data`` is a Binary of subtype 0 whose payload starts at a multiple of 8;
  * decodes OUTPUT with ``bson.decode`` (Debian's python3-bson, pymongo's implementation);
  * turns every buffer into a numpy array (``np.frombuffer(data, "<" + dtype).reshape(shape)``),
    puts it where the histograms reference it, and compares the result with ORIGINAL (read with
    Python's ``json``): same histograms in the same order, same axes and metadata (an integer stays
    an integer), storage arrays equal element by element (NaN equal to NaN, signed zeros told apart)
    with dtype ``i8`` for int storage and sparse indices and ``f8`` otherwise (JSON has no dtypes),
    and writer_info equal except hist-serial's own entry, whose ``version`` must be VERSION.
It prints one JSON report on stdout and exits 0 whatever the verdict (2 for bad usage):

    {"histograms": [...], "buffers": n, "aligned": bool, "layout_errors": [...],
     "equal": bool, "diffs": [...], "notes": [...]}
"""
import argparse
import json
import struct
import sys

import bson
import numpy as np

from uhi_compare import STORAGE_FIELDS, WRITER, ScalarComparison, pointer

DTYPES = {"b1", "i1", "u1", "i2", "u2", "i4", "u4", "i8", "u8", "f4", "f8"}


# ------------------------------------------------------------------------------------------------
# The bytes, walked by hand


def cstring(raw, at):
    end = raw.index(b"\0", at)
    return raw[at:end].decode("utf-8"), end + 1


def value_size(raw, type_, at):
    """Bytes of the value of an element of type ``type_`` starting at ``at``."""
    fixed = {0x01: 8, 0x08: 1, 0x0A: 0, 0x10: 4, 0x12: 8}
    if type_ in fixed:
        return fixed[type_]
    (n,) = struct.unpack_from("<i", raw, at)
    return {0x02: 4 + n, 0x03: n, 0x04: n, 0x05: 5 + n}[type_]


def elements(raw, start):
    """(type, key, value offset) of each element of the document at ``start``."""
    (length,) = struct.unpack_from("<i", raw, start)
    end = start + length - 1
    if raw[end] != 0:
        raise ValueError(f"document at {start} does not end with NUL")
    i = start + 4
    while i < end:
        type_ = raw[i]
        key, v = cstring(raw, i + 1)
        yield type_, key, v
        i = v + value_size(raw, type_, v)
    if i != end:
        raise ValueError(f"document at {start}: elements end at {i}, the length says {end}")


def check_layout(raw):
    errors = []
    (length,) = struct.unpack_from("<i", raw, 0)
    if length != len(raw):
        errors.append(f"the int32 length is {length}, the file has {len(raw)} bytes")
        return errors, 0
    top = list(elements(raw, 0))
    keys = [k for _, k, _ in top]
    if keys != ["format", "version", "histograms", "buffers"]:
        errors.append(f"top-level elements {keys}")
    types = {k: t for t, k, _ in top}
    if types.get("format") != 0x02 or types.get("version") != 0x10 or types.get("histograms") != 0x03 or types.get("buffers") != 0x03:
        errors.append(f"top-level element types {types}")
    buffers_at = next(v for _, k, v in top if k == "buffers")
    count = 0
    for type_, key, v in elements(raw, buffers_at):
        count += 1
        members = {k: (t, at) for t, k, at in elements(raw, v)}
        if list(members) != ["dtype", "shape", "pad", "data"]:
            errors.append(f"/buffers/{key}: members {list(members)}")
        t, at = members.get("data", (None, None))
        if t != 0x05:
            errors.append(f"/buffers/{key}/data: element type {t}")
            continue
        if raw[at + 4] != 0:
            errors.append(f"/buffers/{key}/data: Binary subtype {raw[at + 4]}")
        if (at + 5) % 8:
            errors.append(f"/buffers/{key}/data: payload at byte {at + 5}, not a multiple of 8")
    return errors, count


# ------------------------------------------------------------------------------------------------
# Comparison with the original JSON


class Comparison(ScalarComparison):
    def value(self, a, b, path):
        if isinstance(a, dict) and isinstance(b, dict):
            if list(a) != list(b):
                self.diffs.append(f"{path}: keys {list(a)} became {list(b)}")
            for k in a:
                if k in b:
                    self.value(a[k], b[k], pointer(path, k))
        elif isinstance(a, list) and isinstance(b, list):
            if len(a) != len(b):
                self.diffs.append(f"{path}: {len(a)} items became {len(b)}")
                return
            for i, (x, y) in enumerate(zip(a, b)):
                self.value(x, y, pointer(path, i))
        else:
            self.scalar(a, b, path)

    def array(self, a, b, path, dtype):
        """a: the original's nested list (or bare number); b: the numpy array from the BSON file."""
        na = np.asarray(a)
        if na.shape != b.shape:
            self.diffs.append(f"{path}: shape {na.shape} became {b.shape}")
            return
        if b.dtype != np.dtype("<" + dtype):
            self.diffs.append(f"{path}: dtype {b.dtype}, expected {dtype}")
        for i, (x, y) in enumerate(zip(na.reshape(-1).tolist(), b.reshape(-1).tolist())):
            self.scalar(x, y, f"{path}[{i}]")


class Resolver:
    """Replaces buffer keys by numpy arrays, remembering which buffers were used."""

    def __init__(self, buffers, cmp):
        self.buffers = buffers
        self.cmp = cmp
        self.used = set()

    def __call__(self, ref, path):
        if not isinstance(ref, str):
            self.cmp.diffs.append(f"{path}: expected a buffer key, found {ref!r}")
            return None
        b = self.buffers.get(ref)
        if b is None:
            self.cmp.diffs.append(f"{path}: buffer {ref!r} does not exist")
            return None
        self.used.add(ref)
        if b["dtype"] not in DTYPES:
            self.cmp.diffs.append(f"/buffers/{ref}: unknown dtype {b['dtype']!r}")
            return None
        data = b["data"]
        if not isinstance(data, bytes):
            self.cmp.diffs.append(f"/buffers/{ref}/data: {type(data).__name__}, expected bytes (Binary subtype 0)")
            return None
        return np.frombuffer(data, dtype="<" + b["dtype"]).reshape(b["shape"])


def compare_histogram(cmp, resolve, name, a, b, version):
    path = pointer("", name)
    expected_keys = [k for k in a if k != "writer_info"]
    if [k for k in b if k != "writer_info"] != expected_keys:
        cmp.diffs.append(f"{path}: keys {list(a)} became {list(b)}")
    cmp.value(a.get("uhi_schema"), b.get("uhi_schema"), pointer(path, "uhi_schema"))
    if "metadata" in a or "metadata" in b:
        cmp.value(a.get("metadata"), b.get("metadata"), pointer(path, "metadata"))

    # axes: variable edges are buffers, everything else inline
    axes_a, axes_b = a.get("axes", []), b.get("axes", [])
    if len(axes_a) != len(axes_b):
        cmp.diffs.append(f"{path}/axes: {len(axes_a)} axes became {len(axes_b)}")
    for i, (xa, xb) in enumerate(zip(axes_a, axes_b)):
        ap = pointer(pointer(path, "axes"), i)
        if xa.get("type") == "variable":
            edges = resolve(xb.get("edges"), pointer(ap, "edges"))
            if edges is not None:
                cmp.array(xa["edges"], edges, pointer(ap, "edges"), "f8")
            cmp.value({k: v for k, v in xa.items() if k != "edges"}, {k: v for k, v in xb.items() if k != "edges"}, ap)
        else:
            cmp.value(xa, xb, ap)

    # writer_info: hist-serial adds (or updates) writer_info["hist-serial"]["version"]
    wi_path = pointer(path, "writer_info")
    wa = dict(a.get("writer_info", {}))
    wb = dict(b.get("writer_info", {}))
    mine = wb.pop(WRITER, None)
    theirs = wa.pop(WRITER, {})
    if not isinstance(mine, dict) or mine.get("version") != version:
        cmp.diffs.append(f"{pointer(wi_path, WRITER)}: expected version {version!r}, got {mine!r}")
    else:
        cmp.value({k: v for k, v in theirs.items() if k != "version"}, {k: v for k, v in mine.items() if k != "version"}, pointer(wi_path, WRITER))
    cmp.value(wa, wb, wi_path)

    sa, sb = a.get("storage", {}), b.get("storage", {})
    st_path = pointer(path, "storage")
    cmp.scalar(sa.get("type"), sb.get("type"), pointer(st_path, "type"))
    if list(sa) != list(sb):
        cmp.diffs.append(f"{st_path}: keys {list(sa)} became {list(sb)}")
    integral = sa.get("type") == "int"
    for field in ["index"] + STORAGE_FIELDS.get(sa.get("type"), []):
        if field in sa and field in sb:
            arr = resolve(sb[field], pointer(st_path, field))
            if arr is not None:
                cmp.array(sa[field], arr, pointer(st_path, field), "i8" if integral or field == "index" else "f8")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--version", required=True, help="expected writer_info['hist-serial']['version']")
    parser.add_argument("original")
    parser.add_argument("output")
    args = parser.parse_args()

    with open(args.original, encoding="utf-8") as f:
        original = json.load(f)
    with open(args.output, "rb") as f:
        raw = f.read()

    layout_errors, count = check_layout(raw)
    doc = bson.decode(raw)
    cmp = Comparison()
    if doc.get("format") != "hist-serial-bson" or doc.get("version") != 1:
        cmp.diffs.append(f"format {doc.get('format')!r}, version {doc.get('version')!r}")
    histograms = doc.get("histograms", {})
    resolve = Resolver(doc.get("buffers", {}), cmp)
    if list(original) != list(histograms):
        cmp.diffs.append(f"histograms {list(original)} became {list(histograms)}")
    for name in original:
        if name in histograms:
            compare_histogram(cmp, resolve, name, original[name], histograms[name], args.version)
    unused = sorted(set(resolve.buffers) - resolve.used)
    if unused:
        cmp.diffs.append(f"buffers nobody references: {unused}")

    report = {
        "histograms": list(histograms),
        "buffers": count,
        "aligned": not any("multiple of 8" in e for e in layout_errors),
        "layout_errors": layout_errors,
        "equal": not cmp.diffs,
        "diffs": cmp.diffs,
        "notes": cmp.notes,
    }
    json.dump(report, sys.stdout, indent=2)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
