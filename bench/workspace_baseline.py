"""The Python baseline of `check` on a whole workspace, in one process.

For every folder holding a MANIFEST under DIR: PyYAML and the SDK 1.9.1
validator on the MANIFEST (as pluginv runs it), configparser on every
*.cfg file beside it, and ast.parse plus a full ast.walk of every .py file
under it. This is less than `check` does (no layout, import or SDK-API
rules), so the ratio it gives is, if anything, in Python's favour.

Usage: python workspace_baseline.py DIR   (prints a JSON summary)
Needs the SDK and PyYAML (the repository's .venv, made by scripts/test).
"""
import ast
import configparser
import json
import os
import sys
import time

import yaml
from safeguard.sessions.plugin_impl.tasks.manifest import Manifest


def check_plugin(folder, counts):
    with open(os.path.join(folder, "MANIFEST"), encoding="utf-8", errors="replace") as f:
        text = f.read()
    try:
        Manifest(yaml.safe_load(text), "MANIFEST").check_api_version("1.9.1")
    except Exception:  # the validator's verdict, whatever it is
        counts["manifest_errors"] += 1
    for dirpath, dirnames, filenames in os.walk(folder):
        dirnames.sort()
        for name in sorted(filenames):
            path = os.path.join(dirpath, name)
            if name.endswith(".cfg") and dirpath == folder:
                parser = configparser.ConfigParser()
                try:
                    with open(path, encoding="utf-8", errors="replace") as f:
                        parser.read_string(f.read())
                    for section in parser.sections():
                        for option in parser.options(section):
                            parser.get(section, option)
                except Exception:
                    counts["config_errors"] += 1
                counts["configs"] += 1
            elif name.endswith(".py"):
                with open(path, encoding="utf-8", errors="replace") as f:
                    source = f.read()
                try:
                    counts["nodes"] += sum(1 for _ in ast.walk(ast.parse(source, path)))
                except SyntaxError:
                    counts["python_errors"] += 1
                counts["py_files"] += 1


def main():
    root = sys.argv[1]
    started = time.perf_counter()
    counts = dict.fromkeys(
        ["plugins", "manifest_errors", "configs", "config_errors", "py_files", "python_errors", "nodes"], 0
    )
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames.sort()
        if "MANIFEST" in filenames:
            counts["plugins"] += 1
            check_plugin(dirpath, counts)
            dirnames[:] = []
    counts["seconds"] = time.perf_counter() - started
    json.dump(counts, sys.stdout)


if __name__ == "__main__":
    main()
