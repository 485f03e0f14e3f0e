#!/usr/bin/env python3
"""Refresh the vendored CloudFormation resource schemas from a pinned cfn-lint wheel.

cfn-lint (MIT-0) ships every resource provider schema as
`cfnlint/data/schemas/resources/<hash>.json`, with
`cfnlint/data/schemas/providers/<region>.json` mapping each type name to its file.
We vendor only the AWS types listed in `synth/schemas/types.txt`, from us-east-1, pinned to
the version below (the same version the test command lints with). Third-party registry
types in the list (MongoDB::Atlas::*) are vendored by hand and only checked for here.

    python3 scripts/vendor-schemas.py        # then: cargo run -p escdk-codegen

The output is written with sorted keys and two-space indentation so a refresh gives a
readable diff.
"""
import json
import pathlib
import subprocess
import sys
import tempfile
import zipfile

CFN_LINT_VERSION = "1.58.0"
ROOT = pathlib.Path(__file__).resolve().parent.parent
OUT = ROOT / "synth" / "schemas"


def file_name(type_name: str) -> str:
    return type_name.lower().replace("::", "-") + ".json"


def main() -> int:
    types = [
        line.strip()
        for line in (OUT / "types.txt").read_text().splitlines()
        if line.strip() and not line.startswith("#")
    ]
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run(
            [sys.executable, "-m", "pip", "download", "--quiet", "--no-deps",
             "--only-binary", ":all:", "-d", tmp, f"cfn-lint=={CFN_LINT_VERSION}"],
            check=True,
        )
        wheel = next(pathlib.Path(tmp).glob("cfn_lint-*.whl"))
        with zipfile.ZipFile(wheel) as zf:
            base = "cfnlint/data/schemas/"
            providers = json.loads(zf.read(base + "providers/us-east-1.json"))
            for type_name in types:
                if not type_name.startswith("AWS::"):
                    # Registry types are vendored by hand from their publisher (see
                    # synth/schemas/MONGODB-ATLAS.md): only check that they are there.
                    if not (OUT / file_name(type_name)).is_file():
                        print(f"error: {type_name} has no vendored schema {file_name(type_name)}", file=sys.stderr)
                        return 1
                    continue
                if type_name not in providers:
                    print(f"error: {type_name} is not in cfn-lint {CFN_LINT_VERSION}", file=sys.stderr)
                    return 1
                schema = json.loads(zf.read(base + f"resources/{providers[type_name]}.json"))
                target = OUT / file_name(type_name)
                target.write_text(json.dumps(schema, indent=2, sort_keys=True) + "\n")
                print(f"{type_name} -> {target.relative_to(ROOT)}")
    (OUT / "VERSION").write_text(f"cfn-lint=={CFN_LINT_VERSION}\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
