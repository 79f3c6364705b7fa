"""Independent reader for hist-serial's fit-result files: Python's json + jsonschema (Draft 2020-12).

Usage: check_fit_results.py SCHEMA_DIR FILE...
SCHEMA_DIR holds fit-result.schema.json and fit-results.schema.json (schema/fit-result/1).
Prints one JSON object: {file: {"errors": ["<json path>: <message>", ...], "fits": [names]}}.
"""
import json
import os
import sys

import jsonschema


def main():
    schema_dir = sys.argv[1]
    schemas = {}
    for name in ("fit-result.schema.json", "fit-results.schema.json"):
        with open(os.path.join(schema_dir, name)) as fh:
            s = json.load(fh)
        jsonschema.Draft202012Validator.check_schema(s)
        schemas[s["$id"]] = s
    top = schemas[next(k for k in schemas if k.endswith("fit-results.schema.json"))]
    resolver = jsonschema.RefResolver.from_schema(top, store=schemas)
    validator = jsonschema.Draft202012Validator(top, resolver=resolver)
    report = {}
    for path in sys.argv[2:]:
        with open(path) as fh:
            doc = json.load(fh)
        errors = sorted(f"/{'/'.join(str(p) for p in e.absolute_path)}: {e.message}" for e in validator.iter_errors(doc))
        fits = ["(single)"] if "fit_result_schema" in doc else sorted(doc)
        report[os.path.basename(path)] = {"errors": errors, "fits": fits}
    json.dump(report, sys.stdout)


if __name__ == "__main__":
    main()
