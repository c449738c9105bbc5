"""The SDK's MANIFEST validator as an oracle.

Reads a JSON list of MANIFEST texts on stdin; prints a JSON list with, for
each, null when the SDK 1.9.1 validator (as pluginv runs it) accepts the text,
or the name of the exception it raises.
"""
import json
import sys

import yaml
from safeguard.sessions.plugin_impl.tasks.manifest import Manifest

SDK_VERSION = "1.9.1"


def judge(text):
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError:
        return "FileFormatError"
    try:
        Manifest(data, "MANIFEST").check_api_version(SDK_VERSION)
    except Exception as e:  # the validator also crashes with TypeError
        return type(e).__name__
    return None


def main():
    texts = json.load(sys.stdin)
    json.dump([judge(t) for t in texts], sys.stdout)


if __name__ == "__main__":
    main()
