#!/usr/bin/env python3
"""Independent check of HDF5 files in uhi's layout, with Debian's h5py (HDF5 1.10) and numpy.

Usage:
    check_uhi_hdf5.py [--version VERSION] ORIGINAL.json FILE.h5[:/GROUP] [ORIGINAL.json FILE.h5[:/GROUP] ...]

ORIGINAL is the UHI JSON file the histograms came from; GROUP (default ``/``) is the group that
holds one subgroup per histogram, named as spec.md 4.5 escapes them. For each pair the script reads
every histogram of ORIGINAL from the file the way ``uhi.io.hdf5.read`` does (a mirror of its access
pattern, written for this check: attributes through ``_convert_item``, the ``axes`` dataset of object
references dereferenced through ``ref_axes``, ``storage`` datasets with ``np.asarray``, ``metadata``
and ``writer_info`` groups), and

  * checks uhi's layout: ``uhi_schema`` an int64 scalar attribute, ``axes`` a dataset of object
    references (h5py's ref dtype) pointing to ``ref_axes/axis_I`` in order, booleans stored as h5py's
    bool enum (read back as ``numpy.bool_``), strings as UTF-8 variable-length strings, ``storage``
    with a string ``type`` attribute;
  * compares the histogram it read with the original: axes (edges and categories included), storage
    arrays (dtype int64 for int storage and sparse indices, float64 otherwise, as JSON implies;
    shape, 0-d included; every element, NaN equal to NaN, signed zeros told apart), metadata,
    uhi_schema and writer_info (hist-serial's own entry, when VERSION is given, must hold it and is
    otherwise ignored).

It prints one JSON object {FILE: report} on stdout and exits 0 whatever the verdict:

    {"histograms": [...], "layout": [problems], "arrays": {path: "dtype shape"},
     "equal": bool, "diffs": [...]}
"""
import argparse
import json
import math
import re
import sys

import h5py
import numpy as np

WRITER = "hist-serial"
ARRAY_KEYS = {"values", "variances", "counts", "sum_of_weights", "sum_of_weights_squared", "index", "edges"}
ESCAPE = re.compile(r"[/\x00]|%(?=[0-9A-Fa-f]{2})")


def link_name(name):
    if name == ".":
        return "%2E"
    return ESCAPE.sub(lambda m: "%%%02X" % ord(m.group()), name)


# --- a mirror of uhi.io.hdf5.read -----------------------------------------------------------------

def convert_item(name, item):
    if isinstance(item, bytes):
        return item.decode("utf-8")
    if name == "metadata":
        return {k: convert_item("", v) for k, v in item.items()}
    if name in ARRAY_KEYS:
        return item
    if isinstance(item, np.generic):
        return item.item()
    return item


def read_metadata_writer_info(output, group):
    if "metadata" in group:
        output["metadata"] = convert_item("metadata", group["metadata"].attrs)
    if "writer_info" in group:
        output["writer_info"] = {k: convert_item("metadata", v.attrs) for k, v in group["writer_info"].items()}


def convert_axis(group):
    assert isinstance(group, h5py.Group)
    axis = {k: convert_item(k, v) for k, v in group.attrs.items()}
    if "edges" in group:
        axis["edges"] = np.asarray(group["edges"])
    if "categories" in group:
        axis["categories"] = [convert_item("", c) for c in group["categories"]]
    read_metadata_writer_info(axis, group)
    return axis


def uhi_read(grp):
    uhi_schema = convert_item("", grp.attrs["uhi_schema"])
    axes_grp = grp["axes"]
    axes_ref = grp["ref_axes"]
    axes = [convert_axis(axes_ref[ref]) for ref in axes_grp]
    storage_grp = grp["storage"]
    storage = {"type": storage_grp.attrs["type"]}
    for key in storage_grp:
        storage[key] = np.asarray(storage_grp[key])
    out = {"uhi_schema": uhi_schema, "axes": axes, "storage": storage}
    read_metadata_writer_info(out, grp)
    return out


# --- layout checks --------------------------------------------------------------------------------

def layout_problems(grp, original):
    problems = []
    where = grp.name

    def expect(cond, what):
        if not cond:
            problems.append(f"{where}: {what}")

    a = grp.attrs.get("uhi_schema")
    expect(isinstance(a, np.int64) and np.ndim(a) == 0, f"uhi_schema is {type(a).__name__}, expected an int64 scalar")
    expect("axes" in grp and isinstance(grp["axes"], h5py.Dataset), "no axes dataset")
    if "axes" in grp:
        axes = grp["axes"]
        expect(h5py.check_dtype(ref=axes.dtype) is h5py.Reference, f"axes has dtype {axes.dtype}, expected object references")
        expect(axes.shape == (len(original["axes"]),), f"axes has shape {axes.shape}")
        names = [grp.file[r].name for r in axes]
        expect(names == [f"{where}/ref_axes/axis_{i}" for i in range(len(names))], f"axes point to {names}")

    def check_attrs(obj, spec):
        for k, v in obj.attrs.items():
            want = spec.get(k)
            if isinstance(want, bool):
                expect(isinstance(v, np.bool_), f"{obj.name}@{k} is {type(v).__name__}, expected h5py's bool enum")
                t = obj.attrs.get_id(k).get_type()
                members = [(t.get_member_name(i), t.get_member_value(i)) for i in range(t.get_nmembers())] if t.get_class() == h5py.h5t.ENUM else None
                expect(members == [(b"FALSE", 0), (b"TRUE", 1)] and t.get_super().get_size() == 1 and t.get_super().get_sign() == h5py.h5t.SGN_2,
                       f"{obj.name}@{k} is not h5py's enum {{int8: FALSE 0, TRUE 1}}")
            elif isinstance(want, str):
                expect(isinstance(v, str), f"{obj.name}@{k} is {type(v).__name__}, expected str")
                t = obj.attrs.get_id(k).get_type()
                expect(t.is_variable_str() and t.get_cset() == h5py.h5t.CSET_UTF8 and t.get_strpad() == h5py.h5t.STR_NULLTERM,
                       f"{obj.name}@{k} is not a NUL-terminated UTF-8 variable-length string")
            elif isinstance(want, int) and k in ("lower", "upper"):
                # JSON cannot tell 0 from 0.0: a regular axis's edges are float64 (int64 where uhi had ints)
                expect(isinstance(v, (np.float64, np.int64)), f"{obj.name}@{k} is {type(v).__name__}, expected a number")
            elif isinstance(want, int):
                expect(isinstance(v, np.int64), f"{obj.name}@{k} is {type(v).__name__}, expected int64")
            elif isinstance(want, float):
                expect(isinstance(v, (np.float64, np.int64)), f"{obj.name}@{k} is {type(v).__name__}, expected a number")

    for i, ax in enumerate(original["axes"]):
        g = grp.get(f"ref_axes/axis_{i}")
        expect(isinstance(g, h5py.Group), f"no group ref_axes/axis_{i}")
        if g is None:
            continue
        check_attrs(g, {k: v for k, v in ax.items() if k not in ("metadata", "writer_info", "edges", "categories")})
        if "metadata" in ax:
            check_attrs(g["metadata"], ax["metadata"])
        if ax.get("categories") and isinstance(ax["categories"][0], str):
            c = g["categories"]
            expect(h5py.check_string_dtype(c.dtype) is not None and h5py.check_string_dtype(c.dtype).encoding == "utf-8",
                   "string categories are not UTF-8 strings")
    if "metadata" in original:
        check_attrs(grp["metadata"], original["metadata"])
    st = grp.get("storage")
    expect(isinstance(st, h5py.Group), "no storage group")
    if st is not None:
        expect(isinstance(st.attrs.get("type"), str), "storage has no string type attribute")
    return problems


# --- comparison -----------------------------------------------------------------------------------

def same_array(got, want):
    """Same shape and elements; floats of any width compared as float64 (the report records the dtype),
    NaN equal to NaN whatever its sign bit, signed zeros told apart."""
    if got.shape != want.shape:
        return False
    if want.dtype.kind == "f":
        if got.dtype.kind != "f":
            return False
        got = got.astype(np.float64)
        nan = np.isnan(want)
        return bool(np.array_equal(np.isnan(got), nan) and np.array_equal(got[~nan], want[~nan])
                    and np.array_equal(np.signbit(got[~nan]), np.signbit(want[~nan])))
    return got.dtype == want.dtype and bool(np.array_equal(got, want))


def same_scalar(a, b):
    if isinstance(a, bool) or isinstance(b, bool):
        return type(a) is type(b) and a == b
    if isinstance(a, float) and isinstance(b, float) and math.isnan(a) and math.isnan(b):
        return True
    return a == b


def compare(path, got, want, diffs):
    if isinstance(want, dict):
        if not isinstance(got, dict):
            diffs.append(f"{path}: expected an object, got {type(got).__name__}")
            return
        if set(got) != set(want):
            diffs.append(f"{path}: keys {sorted(got)} != {sorted(want)}")
        for k in want:
            if k in got:
                compare(f"{path}/{k}", got[k], want[k], diffs)
    elif isinstance(want, list):
        if isinstance(got, np.ndarray):
            got = got.tolist()
        if not isinstance(got, list) or len(got) != len(want):
            diffs.append(f"{path}: {got!r} != {want!r}")
            return
        for i, (g, w) in enumerate(zip(got, want)):
            compare(f"{path}/{i}", g, w, diffs)
    elif not same_scalar(got, want):
        diffs.append(f"{path}: {got!r} ({type(got).__name__}) != {want!r} ({type(want).__name__})")


def expected_array(value, integral):
    return np.asarray(value, dtype=np.int64 if integral else np.float64)


def check(original_path, target, version):
    path, _, location = target.partition(":/")
    location = "/" + location
    with open(original_path) as f:
        original = json.load(f)
    if "uhi_schema" in original:
        original = {original_path.rsplit("/", 1)[-1].split(".")[0]: original}
    diffs, layout, arrays = [], [], {}
    with h5py.File(path, "r") as f:
        report = {"histograms": list(original), "layout": layout, "arrays": arrays}
        for name, want in original.items():
            gpath = (location.rstrip("/") + "/" + link_name(name))
            if gpath not in f:
                diffs.append(f"{gpath}: missing")
                continue
            grp = f[gpath]
            layout += layout_problems(grp, want)
            got = uhi_read(grp)
            storage, want_storage = got.pop("storage"), dict(want["storage"])
            stype = want_storage.pop("type")
            if storage.pop("type") != stype:
                diffs.append(f"/{name}/storage/type")
            if set(storage) != set(want_storage):
                diffs.append(f"/{name}/storage: fields {sorted(storage)} != {sorted(want_storage)}")
            for k, v in want_storage.items():
                if k not in storage:
                    continue
                arrays[f"{gpath}/storage/{k}"] = f"{storage[k].dtype} {list(storage[k].shape)}"
                if not same_array(storage[k], expected_array(v, stype == "int" or k == "index")):
                    diffs.append(f"/{name}/storage/{k}: {storage[k].dtype} {storage[k].shape} differs")
            for i, (ga, wa) in enumerate(zip(got["axes"], want["axes"])):
                if "edges" in wa:
                    e = ga.pop("edges", None)
                    if e is None or not same_array(np.asarray(e), expected_array(wa["edges"], False)):
                        diffs.append(f"/{name}/axes/{i}/edges differ")
                    wa = {k: v for k, v in wa.items() if k != "edges"}
                    want["axes"][i] = wa
            got_wi = got.pop("writer_info", None)
            want_wi = want.pop("writer_info", None)
            if version is not None:
                mine = (got_wi or {}).pop(WRITER, None)
                if not mine or mine.get("version") != version:
                    diffs.append(f"/{name}/writer_info/{WRITER}: {mine!r}, expected version {version}")
                (want_wi or {}).pop(WRITER, None)
            if (got_wi or {}) != (want_wi or {}):
                compare(f"/{name}/writer_info", got_wi or {}, want_wi or {}, diffs)
            compare(f"/{name}", got, {k: v for k, v in want.items() if k != "storage"}, diffs)
    report["equal"] = not diffs and not layout
    report["diffs"] = diffs
    return report


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--version")
    parser.add_argument("pairs", nargs="+")
    args = parser.parse_args()
    if len(args.pairs) % 2:
        parser.error("expected ORIGINAL FILE pairs")
    out = {}
    for original, target in zip(args.pairs[::2], args.pairs[1::2]):
        out[target] = check(original, target, args.version)
    json.dump(out, sys.stdout, indent=1, default=str)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
