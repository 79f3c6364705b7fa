"""Independent reader for hist-serial's bundled fixtures: Python's json + jsonschema.

Usage: read_fixtures.py UHI_SCHEMA FILE...
Prints one JSON object: {file: {"schema_errors": [...], "histograms": {name: {field: {"total": s, "nan_count": n}}}}}
"""
import json
import math
import sys

import jsonschema


def flatten(x):
    if isinstance(x, list):
        for item in x:
            yield from flatten(item)
    else:
        yield x


def main():
    schema = json.load(open(sys.argv[1]))
    validator = jsonschema.Draft7Validator(schema)
    report = {}
    for path in sys.argv[2:]:
        doc = json.load(open(path))
        errors = [e.message for e in validator.iter_errors(doc)]
        hists = {}
        for name, h in doc.items():
            sums = {}
            for field, value in h["storage"].items():
                if field in ("type", "index"):
                    continue
                vals = list(flatten(value))
                sums[field] = {
                    "total": sum(v for v in vals if not math.isnan(v)),
                    "nan_count": sum(1 for v in vals if isinstance(v, float) and math.isnan(v)),
                    "ints": all(isinstance(v, int) for v in vals),
                }
            hists[name] = sums
        report[path.rsplit("/", 1)[-1]] = {"schema_errors": errors, "histograms": hists}
    json.dump(report, sys.stdout)


main()
