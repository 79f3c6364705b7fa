#!/usr/bin/env python3
"""Independent check of a UHI JSON file written by hist-serial, with Python's own tools.

Usage:
    check_uhi_json.py --schema UHI_SCHEMA --version VERSION ORIGINAL OUTPUT

ORIGINAL is the file hist-serial read, OUTPUT the file it wrote. The script
  * loads both with Python's ``json`` module (bare NaN / Infinity tokens allowed, as uhi writes them);
  * validates OUTPUT (and ORIGINAL, for comparison) with ``jsonschema`` against UHI_SCHEMA
    (uhi's histogram.schema.json, draft-07);
  * compares the two: same histogram names in the same order, same axes and metadata, storage
    arrays equal element by element (NaN equal to NaN, signed zeros told apart), integers kept as
    integers (int storage, sparse index, any value that was an int), and writer_info equal except
    for hist-serial's own entry, whose ``version`` must be VERSION.
It prints one JSON report on stdout and exits 0 whatever the verdict (2 for bad usage):

    {"histograms": [...], "schema_valid": bool, "schema_errors": [...],
     "original_schema_valid": bool, "equal": bool, "diffs": [...], "notes": [...]}

``notes`` lists value-preserving changes of JSON number type outside bin data (a float such as
139.0 written back as 139): harmless for Python readers of UHI, but visible.
"""
import argparse
import json
import sys

import jsonschema
import numpy as np

from uhi_compare import STORAGE_FIELDS, WRITER, ScalarComparison, pointer



def schema_errors(validator, doc):
    errors = sorted(validator.iter_errors(doc), key=lambda e: [str(p) for p in e.absolute_path])
    return [f"{''.join(pointer('', p) for p in e.absolute_path) or '(root)'}: {e.message}" for e in errors]


class Comparison(ScalarComparison):
    def value(self, a, b, path):
        if isinstance(a, dict) and isinstance(b, dict):
            if list(a) != list(b) and set(a) == set(b):
                self.notes.append(f"{path}: keys reordered")
            for k in a:
                if k not in b:
                    self.diffs.append(f"{pointer(path, k)}: missing from the output")
                else:
                    self.value(a[k], b[k], pointer(path, k))
            for k in b:
                if k not in a:
                    self.diffs.append(f"{pointer(path, k)}: only in the output")
        elif isinstance(a, list) and isinstance(b, list):
            if len(a) != len(b):
                self.diffs.append(f"{path}: {len(a)} items became {len(b)}")
                return
            for i, (x, y) in enumerate(zip(a, b)):
                self.value(x, y, pointer(path, i))
        else:
            self.scalar(a, b, path)

    def array(self, a, b, path, integral):
        """Bin data: a nested list (or a bare number for 0-d). Same shape, same kind, same elements."""
        if isinstance(a, str) or isinstance(b, str):
            self.diffs.append(f"{path}: out-of-band array reference in a JSON file ({a!r}, {b!r})")
            return
        na, nb = np.asarray(a), np.asarray(b)
        if na.shape != nb.shape:
            self.diffs.append(f"{path}: shape {na.shape} became {nb.shape}")
            return
        want = "i" if integral else "f"
        if na.size and na.dtype.kind != want:
            self.diffs.append(f"{path}: the original's numpy dtype is {na.dtype}, expected kind {want!r}")
        if nb.size and nb.dtype.kind != want:
            self.diffs.append(f"{path}: the output's numpy dtype is {nb.dtype}, expected kind {want!r}")
        for i, (x, y) in enumerate(zip(na.reshape(-1).tolist(), nb.reshape(-1).tolist())):
            self.scalar(x, y, f"{path}[{i}]")

    def histogram(self, name, a, b, version):
        path = pointer("", name)
        for k in a:
            if k not in b:
                self.diffs.append(f"{pointer(path, k)}: missing from the output")
        for k in b:
            if k not in a and k != "writer_info":
                self.diffs.append(f"{pointer(path, k)}: only in the output")
        for k in ("uhi_schema", "axes", "metadata"):
            if k in a and k in b:
                self.value(a[k], b[k], pointer(path, k))

        # writer_info: hist-serial adds (or updates) writer_info["hist-serial"]["version"].
        wi_path = pointer(path, "writer_info")
        wa = dict(a.get("writer_info", {}))
        wb = dict(b.get("writer_info", {}))
        mine = wb.pop(WRITER, None)
        theirs = wa.pop(WRITER, {})
        if not isinstance(mine, dict) or mine.get("version") != version:
            self.diffs.append(f"{pointer(wi_path, WRITER)}: expected version {version!r}, got {mine!r}")
        else:
            self.value({k: v for k, v in theirs.items() if k != "version"},
                       {k: v for k, v in mine.items() if k != "version"}, pointer(wi_path, WRITER))
        self.value(wa, wb, wi_path)

        sa, sb = a.get("storage", {}), b.get("storage", {})
        st_path = pointer(path, "storage")
        self.scalar(sa.get("type"), sb.get("type"), pointer(st_path, "type"))
        if set(sa) != set(sb):
            self.diffs.append(f"{st_path}: keys {sorted(sa)} became {sorted(sb)}")
        integral_storage = sa.get("type") == "int"
        for field in ["index"] + STORAGE_FIELDS.get(sa.get("type"), []):
            if field in sa and field in sb:
                self.array(sa[field], sb[field], pointer(st_path, field), integral_storage or field == "index")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--schema", required=True, help="uhi's histogram.schema.json")
    parser.add_argument("--version", required=True, help="expected writer_info['hist-serial']['version']")
    parser.add_argument("original")
    parser.add_argument("output")
    args = parser.parse_args()

    with open(args.schema, encoding="utf-8") as f:
        schema = json.load(f)
    cls = jsonschema.validators.validator_for(schema)
    cls.check_schema(schema)
    validator = cls(schema)

    with open(args.original, encoding="utf-8") as f:
        original = json.load(f)
    with open(args.output, encoding="utf-8") as f:
        output = json.load(f)

    cmp = Comparison()
    if list(original) != list(output):
        cmp.diffs.append(f"histograms {list(original)} became {list(output)}")
    for name in original:
        if name in output:
            cmp.histogram(name, original[name], output[name], args.version)

    errors = schema_errors(validator, output)
    report = {
        "histograms": list(output),
        "schema_valid": not errors,
        "schema_errors": errors,
        "original_schema_valid": not schema_errors(validator, original),
        "equal": not cmp.diffs,
        "diffs": cmp.diffs,
        "notes": cmp.notes,
    }
    json.dump(report, sys.stdout, indent=2)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
