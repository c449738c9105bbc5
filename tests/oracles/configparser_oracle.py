#!/usr/bin/env python3
"""What CPython's configparser says about plugin configuration texts.

The SPS plugin SDK reads default.cfg with `configparser.ConfigParser()` and
default arguments, then `get`s options. For each input this prints one JSON
object per line:

    {"raises": bool,            # read_string() raised
     "class": str | null,       # the exception's class name
     "lineno": int | null,      # its 1-based line (ParsingError: the first)
     "parse_errors": [int],     # every line ParsingError collected, also the
                                # ones collected before a fatal error
     "get_errors": [[section, option, class]]}
                                # after a successful read: each option of each
                                # section whose get() raises

Usage (standard library only):
    configparser_oracle.py < inputs.jsonl     one JSON string per line
    configparser_oracle.py --dir DIR          every *.cfg / *.cfg.plugin file
                                              under DIR (adds "path")
"""

import configparser
import json
import os
import sys


class Recording(configparser.ConfigParser):
    """ConfigParser() that also remembers each line ParsingError collects,
    including those collected before a fatal error is raised."""

    def __init__(self):
        super().__init__()
        self.collected = []

    def _handle_error(self, exc, fpname, lineno, line):
        self.collected.append(lineno)
        return super()._handle_error(exc, fpname, lineno, line)


def judge(text):
    cp = Recording()
    out = {"raises": False, "class": None, "lineno": None,
           "parse_errors": [], "get_errors": []}
    try:
        cp.read_string(text)
    except configparser.Error as e:
        # MissingSectionHeaderError is a ParsingError with its own lineno.
        lineno = getattr(e, "lineno", None)
        if lineno is None and isinstance(e, configparser.ParsingError):
            lineno = e.errors[0][0]
        out.update(raises=True, lineno=lineno)
        out["class"] = type(e).__name__
    out["parse_errors"] = cp.collected
    if out["raises"]:
        return out
    for s in cp.sections():
        for o in cp.options(s):
            try:
                cp.get(s, o)
            except configparser.Error as e:
                out["get_errors"].append([s, o, type(e).__name__])
    return out


def main():
    if len(sys.argv) == 3 and sys.argv[1] == "--dir":
        for root, dirs, files in os.walk(sys.argv[2]):
            dirs.sort()
            for name in sorted(files):
                if name.endswith((".cfg", ".cfg.plugin")):
                    path = os.path.join(root, name)
                    with open(path, encoding="utf-8") as f:
                        text = f.read()
                    out = judge(text)
                    out["path"] = path
                    print(json.dumps(out))
        return
    for raw in sys.stdin.buffer:
        raw = raw.strip()
        if not raw:
            continue
        print(json.dumps(judge(json.loads(raw.decode("utf-8")))))


if __name__ == "__main__":
    main()
