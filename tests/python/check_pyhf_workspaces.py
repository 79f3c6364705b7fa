"""Validate pyhf workspaces with Python's jsonschema against pyhf's own schema (an independent check).

Usage: check_pyhf_workspaces.py DEFS_JSON FILE...
Prints {file: [error messages]} as JSON. pyhf's schemas are draft-06, and workspace.json is a bare
$ref to defs.json: defs.json is registered under its $id and #/definitions/workspace is used directly
(see ../shared/reference/pyhf/README.md).
"""
import json
import sys

import jsonschema


def main() -> None:
    defs_path, files = sys.argv[1], sys.argv[2:]
    with open(defs_path, encoding="utf-8") as f:
        defs = json.load(f)
    resolver = jsonschema.RefResolver.from_schema(defs, store={defs["$id"]: defs})
    validator = jsonschema.Draft6Validator({"$ref": defs["$id"] + "#/definitions/workspace"}, resolver=resolver)
    report = {}
    for path in files:
        with open(path, encoding="utf-8") as f:
            doc = json.load(f)
        report[path] = [f"/{'/'.join(str(p) for p in e.absolute_path)}: {e.message}" for e in validator.iter_errors(doc)]
    json.dump(report, sys.stdout)


if __name__ == "__main__":
    main()
