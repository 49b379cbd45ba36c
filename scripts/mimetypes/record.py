"""Records what Python's built-in mimetypes table guesses for the
extensions internal/upload's tests ask about, as JSON on stdout.

The upload Lambda of aws-cdk-lib's BucketDeployment runs the AWS CLI on
the python3.13 runtime, and the CLI sets each object's Content-Type from
mimetypes.guess_type. Run it with Python 3.13 and write the result to
internal/upload/testdata/python-mimetypes.json:

    python3.13 scripts/mimetypes/record.py > internal/upload/testdata/python-mimetypes.json

MimeTypes() reads no system files (/etc/mime.types), so the output is
the interpreter's own table, the same on every machine.
"""
import json
import mimetypes
import platform
import sys

EXTS = [".html", ".js", ".css", ".json", ".svg", ".htm", ".png", ".jpg", ".jpeg", ".gif", ".webp", ".avif",
        ".ico", ".txt", ".csv", ".md", ".xml", ".pdf", ".zip", ".mp4", ".webm", ".mp3", ".bin", ".PNG", ".Js",
        ".xyz", ".map", ".LICENSE", ".mjs", ".wasm", ".woff", ".woff2", ".webmanifest", ".ttf", ".otf"]

table = mimetypes.MimeTypes()
guesses = {e: table.guess_type("f" + e)[0] or "" for e in EXTS}
json.dump({"python": platform.python_version(), "guesses": guesses}, sys.stdout, indent=2, sort_keys=True)
sys.stdout.write("\n")
