#!/usr/bin/env python3
"""What the SDK's own getters say about typed plugin configuration values.

For each input line, a JSON object
    {"text": str, "section": str, "option": str,
     "getter": "get" | "getlist" | "getboolean" | "getint" | "getfloat"
               | "getienum",
     "values": [str] | null,          # getienum's value set
     "default": any,                  # optional: the getter's default=
     "required": bool}                # optional: the getter's required=
this builds the SDK 1.9.1 `PluginConfiguration(text)` and calls the getter
(default arguments, as the SDK and the plugins do), then prints one JSON
object per line:
    {"raises": bool, "class": str | null, "returns": str | null}
where "returns" is the type of what the getter returned (`NoneType`,
`str`) when it did not raise.

Needs the SDK and what PluginConfiguration imports (pyopenssl, requests):
scripts/test sets them up in .venv.
"""

import json
import sys

from safeguard.sessions.plugin.plugin_configuration import PluginConfiguration


def judge(case):
    config = PluginConfiguration(case["text"])
    getter = getattr(config, case["getter"])
    kwargs = {"default": case["default"]} if "default" in case else {}
    if "required" in case:
        kwargs["required"] = case["required"]
    try:
        if case["getter"] == "getienum":
            got = getter(case["section"], case["option"], tuple(case["values"]), **kwargs)
        else:
            got = getter(case["section"], case["option"], **kwargs)
    except Exception as e:  # the class is compared, whatever it is
        return {"raises": True, "class": type(e).__name__, "returns": None}
    return {"raises": False, "class": None, "returns": type(got).__name__}


def main():
    for raw in sys.stdin.buffer:
        raw = raw.strip()
        if raw:
            print(json.dumps(judge(json.loads(raw.decode("utf-8")))))


if __name__ == "__main__":
    main()
