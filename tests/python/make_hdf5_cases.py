#!/usr/bin/env python3
"""Write HDF5 files in uhi's layout with h5py storage options that hist-serial must read (or refuse).

Usage:
    make_hdf5_cases.py OUT_DIR

The histograms are written by ``write_histogram``, a small writer of this test suite that follows
``uhi.io.hdf5.write`` (group with ``uhi_schema``, ``ref_axes/axis_I`` groups with attributes, an
``axes`` dataset of object references, ``storage`` group with a ``type`` attribute), with dataset
creation options passed to h5py. Every histogram has one regular axis of N bins with under- and
overflow, or two for 2-D, and values ``0.5 * i`` (i = flat C-order index), variances ``i``.

Files:
  options.h5  /ok/NAME for NAME in:
     shuffle_gzip_fletcher  2-D (300, 200) weighted, chunks (64, 50): shuffle + gzip 6 + fletcher32,
                            edge chunks partly outside the dataset
     gzip_2d_int            2-D (120, 7) int storage, int64 values i, gzip 1, chunks (16, 7)
     scaleoffset_int        1-D 1000 int storage, int32 values i, scaleoffset (integer, auto)
     big_endian             1-D 100 double storage, values stored as '>f8'
     compact                1-D 10 double storage, compact layout
     unwritten              1-D 10 double storage, dataset created without data (fill value 0)
     float32_chunked        1-D 100000 double storage, float32 values, chunks 4096, gzip 4
     u8_counts              1-D 12 int storage as uint64 with 2**64 - 1 in bin 3
              /bad/lzf      1-D 1000 double storage compressed with lzf (filter 32000)
"""
import sys

import h5py
import numpy as np


def write_histogram(grp, axes, storage_type, arrays, metadata=None, **dsopts):
    grp.attrs["uhi_schema"] = 1
    ref_axes = grp.create_group("ref_axes")
    if metadata:
        m = grp.create_group("metadata")
        for k, v in metadata.items():
            m.attrs[k] = v
    refs = grp.create_dataset("axes", len(axes), dtype=h5py.special_dtype(ref=h5py.Reference))
    for i, ax in enumerate(axes):
        g = ref_axes.create_group(f"axis_{i}")
        for k, v in ax.items():
            g.attrs[k] = v
        refs[i] = g.ref
    st = grp.create_group("storage")
    st.attrs["type"] = storage_type
    for key, value in arrays.items():
        if callable(value):
            value(st, key)
        else:
            st.create_dataset(key, data=value, **dsopts)


def regular(bins):
    return {"type": "regular", "lower": 0.0, "upper": float(bins), "bins": bins, "underflow": True, "overflow": True, "circular": False}


def main(out):
    with h5py.File(f"{out}/options.h5", "w") as f:
        ok = f.create_group("ok")
        shape = (300, 200)
        n = shape[0] * shape[1]
        write_histogram(ok.create_group("shuffle_gzip_fletcher"), [regular(298), regular(198)], "weighted",
                        {"values": 0.5 * np.arange(n).reshape(shape), "variances": np.arange(n, dtype=np.float64).reshape(shape)},
                        chunks=(64, 50), shuffle=True, compression="gzip", compression_opts=6, fletcher32=True)
        write_histogram(ok.create_group("gzip_2d_int"), [regular(118), regular(5)], "int",
                        {"values": np.arange(120 * 7, dtype=np.int64).reshape(120, 7)}, chunks=(16, 7), compression="gzip", compression_opts=1)
        write_histogram(ok.create_group("scaleoffset_int"), [regular(998)], "int",
                        {"values": np.arange(1000, dtype=np.int32)}, scaleoffset=0)
        write_histogram(ok.create_group("big_endian"), [regular(98)], "double", {"values": (0.5 * np.arange(100)).astype(">f8")})
        write_histogram(ok.create_group("compact"), [regular(8)], "double",
                        {"values": lambda st, k: st.create_dataset(k, data=0.5 * np.arange(10), dcpl=_compact())})
        write_histogram(ok.create_group("unwritten"), [regular(8)], "double",
                        {"values": lambda st, k: st.create_dataset(k, shape=(10,), dtype="f8")})
        write_histogram(ok.create_group("float32_chunked"), [regular(99998)], "double",
                        {"values": (0.5 * np.arange(100000)).astype("f4")}, chunks=(4096,), compression="gzip", compression_opts=4)
        u8 = np.arange(12, dtype=np.uint64)
        u8[3] = 2**64 - 1
        write_histogram(ok.create_group("u8_counts"), [regular(10)], "int", {"values": u8})
        bad = f.create_group("bad")
        write_histogram(bad.create_group("lzf"), [regular(998)], "double", {"values": 0.5 * np.arange(1000)}, compression="lzf")


def _compact():
    dcpl = h5py.h5p.create(h5py.h5p.DATASET_CREATE)
    dcpl.set_layout(h5py.h5d.COMPACT)
    return dcpl


if __name__ == "__main__":
    main(sys.argv[1])
