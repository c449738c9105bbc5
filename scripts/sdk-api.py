#!/usr/bin/env python3
"""Writes schemas/sdk-api.json: what the Plugin SDK offers in which API.

For every SDK version on the package index, the wheel is downloaded into a
temporary folder (never into the repository) and its public package
`safeguard.sessions.plugin` is read with `ast` (nothing of it is imported or
run). Per API (the SDK's major.minor) the earliest wheel of that minor
stands for it, as the oldest SPS of that API may run it. A name's `since`
is the first API whose wheel has it, raised by the SDK's own "New in version
X.Y" marker when a patch release of the minor before carried a backport
(1.2.2 has `requests_tls.py`, whose docstring says "New in version 1.3.0").

It also records, per public class, function, method, property and the
attributes a class's docstring documents (`.. py:attribute::`), the
signature and the documentation (`docs`, keyed by the qualified name of the
class that defines it): the description's first paragraphs with Sphinx's
roles turned into Markdown code, and its `:param:`, `:return:` and
`:raises:` fields, as of the newest wheel that has the name.

Usage: python3 scripts/sdk-api.py [--wheels DIR]   (DIR: wheels already downloaded)
"""

import argparse
import ast
import json
import os
import re
import subprocess
import sys
import tempfile
import zipfile

DIST = "oneidentity-safeguard-sessions-plugin-sdk"
VERSIONS = [
    "1.1.7", "1.1.8", "1.2.2", "1.3.4", "1.4.2", "1.4.4", "1.5.0", "1.5.1", "1.5.3", "1.5.4",
    "1.6.0", "1.7.1", "1.7.3", "1.8.0", "1.8.1", "1.8.2", "1.8.3", "1.8.4", "1.9.0", "1.9.1",
]
PACKAGE = "safeguard/sessions/plugin/"

# Import names of the SDK's requirements whose distribution name differs from
# the module name (the rest: lower case, `-` to `_`).
DIST_MODULES = {
    "pyyaml": ["yaml"],
    "python-ldap": ["ldap", "ldapurl", "ldif"],
    "pyopenssl": ["OpenSSL"],
    "pyasn1-modules": ["pyasn1_modules"],
    "semantic-version": ["semantic_version"],
    "charset-normalizer": ["charset_normalizer"],
    "importlib-metadata": ["importlib_metadata"],
    "more-itertools": ["more_itertools"],
    "pytest-cov": ["pytest_cov"],
    "pytest-mock": ["pytest_mock"],
    "pytest-vcr": ["pytest_vcr"],
    "vcrpy": ["vcr"],
    "pytest": ["pytest", "_pytest"],
    "attrs": ["attr", "attrs"],
    "setuptools": ["setuptools", "pkg_resources"],
    "typing-extensions": ["typing_extensions"],
    "websocket-client": ["websocket"],
    "python-dateutil": ["dateutil"],
    "pycryptodome": ["Crypto"],
    "pycryptodomex": ["Cryptodome"],
    "msal-extensions": ["msal_extensions"],
    "pyjwt": ["jwt"],
    "beautifulsoup4": ["bs4"],
    "scikit-learn": ["sklearn"],
    "pillow": ["PIL"],
    "protobuf": ["google"],
    "dnspython": ["dns"],
    "pysocks": ["socks", "sockshandler"],
    "exceptiongroup": ["exceptiongroup"],
}

MARKER = re.compile(r"New in version:?\s*(\d+)\.(\d+)")


def minor(version):
    return ".".join(version.split(".")[:2])


def download(dest):
    for v in VERSIONS:
        subprocess.run(
            [sys.executable, "-m", "pip", "download", "--quiet", "--disable-pip-version-check",
             "--no-deps", "-d", dest, f"{DIST}=={v}"],
            check=True,
        )


def wheel_path(folder, version):
    for name in os.listdir(folder):
        if name.endswith(".whl") and f"-{version}-" in name:
            return os.path.join(folder, name)
    raise SystemExit(f"no wheel of {version} in {folder}")


# Of a description, at most this many paragraphs and characters.
DOC_PARAGRAPHS = 3
DOC_CHARS = 700
ROLE = re.compile(r":(?:py:)?(?:meth|class|attr|func|mod|data|exc|obj|ref):`~?([^`]*?)`")
FIELD = re.compile(r"^:(param|type|returns?|return type|rtype|raises?)\b\s*([^:]*):\s*(.*)$")


def role_text(m):
    """`:meth:`text <target>`` as `text`; `:class:`~a.b.C`` as `C`."""
    body = m.group(1).strip()
    target = re.match(r"^(.*?)\s*<([^>]*)>?$", body, re.S)
    if target:
        body = target.group(1).strip() or target.group(2).rsplit(".", 1)[-1]
    elif "." in body and " " not in body:
        body = body.rsplit(".", 1)[-1]
    return f"`{body}`"


def inline(text):
    """Sphinx's inline markup as Markdown, lines joined."""
    text = re.sub(r"\s*\\\n\s*", " ", text)
    text = " ".join(line.strip() for line in text.splitlines())
    text = re.sub(r"\s{2,}", " ", text)
    text = ROLE.sub(role_text, text)
    text = re.sub(r"``([^`]+)``", r"`\1`", text)
    return text.strip()


def split_doc(doc, until_heading=False):
    """A docstring as (description paragraphs, fields, attribute blocks):
    directives (code blocks, `.. py:attribute::`) leave the description,
    the version markers too (the API a name needs is in `since`). With
    `until_heading`, the description ends at the first section heading."""
    paragraphs, fields, attributes = [], [], {}
    lines = (doc or "").splitlines()
    i, para = 0, []

    def flush():
        if para:
            text = inline("\n".join(para))
            text = re.sub(r"\*?New in version:?\s*[\d.]*\d\.?\*?", "", text).strip()
            if text:
                paragraphs.append(text)
            para.clear()

    while i < len(lines):
        line = lines[i]
        stripped = line.strip()
        underline = i + 1 < len(lines) and re.fullmatch(r"([=\-^~*#])\1{2,}", lines[i + 1].strip())
        if stripped and underline:
            flush()
            if until_heading:
                break
            i += 2
            continue
        if stripped.startswith(".. "):
            flush()
            indent = len(line) - len(line.lstrip())
            block = []
            i += 1
            while i < len(lines) and (not lines[i].strip() or len(lines[i]) - len(lines[i].lstrip()) > indent):
                block.append(lines[i])
                i += 1
            attr = re.match(r"\.\. py:attribute::\s*(\w+)", stripped)
            if attr:
                body = [p for p in "\n".join(block).split("\n\n")]
                attributes[attr.group(1)] = [inline(p) for p in body if p.strip()][:DOC_PARAGRAPHS]
            continue
        field = FIELD.match(stripped)
        if field:
            flush()
            text = [field.group(3)]
            i += 1
            while i < len(lines) and lines[i].strip() and not lines[i].strip().startswith(":"):
                text.append(lines[i])
                i += 1
            fields.append((field.group(1), field.group(2).split(), inline("\n".join(text))))
            continue
        if not stripped:
            flush()
        elif stripped.endswith("::") and not stripped.startswith(":"):
            # A literal block follows ("Example::"): neither it nor its
            # introduction is kept.
            flush()
            indent = len(line) - len(line.lstrip())
            i += 1
            while i < len(lines) and (not lines[i].strip() or len(lines[i]) - len(lines[i].lstrip()) > indent):
                i += 1
            continue
        else:
            para.append(line)
        i += 1
    flush()
    return paragraphs, fields, attributes


def description(paragraphs):
    out = []
    for p in paragraphs[:DOC_PARAGRAPHS]:
        # A lone heading ("**Usage**"), an introduction to a dropped example
        # ("Example configuration:"; the first paragraph ends there).
        if re.fullmatch(r"\*\*[^*]+\*\*", p):
            continue
        if p.endswith(":"):
            if out:
                continue
            p = p[:-1].rstrip() + "."
        if out and len("\n\n".join(out + [p])) > DOC_CHARS:
            break
        out.append(p)
    text = "\n\n".join(out)
    if len(text) > DOC_CHARS:
        text = text[:DOC_CHARS].rsplit(" ", 1)[0] + " …"
    return text


def doc_entry(doc, signature=None):
    """What `docs` holds of one name."""
    paragraphs, fields, _ = split_doc(doc)
    entry = {}
    if signature is not None:
        entry["signature"] = signature
    text = description(paragraphs)
    if text:
        entry["doc"] = text
    params, types = {}, {}
    for kind, words, text in fields:
        if kind == "param" and words:
            params[words[-1]] = (" ".join(words[:-1]), text)
        elif kind == "type" and words:
            types[words[-1]] = text
        elif kind in ("return", "returns") and text:
            entry["returns"] = text
        elif kind in ("rtype", "return type") and text:
            entry["rtype"] = text
        elif kind in ("raise", "raises"):
            name = " ".join(words)
            entry.setdefault("raises", []).append(f"`{name}`: {text}" if name and text else text or f"`{name}`")
    if params:
        entry["params"] = {}
        for name, (typ, text) in params.items():
            typ = typ or types.get(name, "")
            entry["params"][name] = f"({typ}) {text}".strip() if typ else text
    return entry


def signature(fn):
    """The parameters as written (`default=None`, `*args`), annotations
    and defaults unparsed."""
    a = fn.args

    def one(p, default=None, prefix=""):
        text = prefix + p.arg
        if p.annotation is not None:
            text += ": " + ast.unparse(p.annotation)
        if default is not None:
            text += (" = " if p.annotation is not None else "=") + ast.unparse(default)
        return text

    positional = a.posonlyargs + a.args
    defaults = [None] * (len(positional) - len(a.defaults)) + list(a.defaults)
    out = []
    for i, p in enumerate(positional):
        out.append(one(p, defaults[i]))
        if a.posonlyargs and i == len(a.posonlyargs) - 1:
            out.append("/")
    if a.vararg:
        out.append(one(a.vararg, prefix="*"))
    elif a.kwonlyargs:
        out.append("*")
    for p, d in zip(a.kwonlyargs, a.kw_defaults):
        out.append(one(p, d))
    if a.kwarg:
        out.append(one(a.kwarg, prefix="**"))
    return out


def read_docs(qual, source, out):
    """The documentation of a module's public names into `out`, keyed by
    qualified name (`<module>.<Class>.<member>`)."""
    tree = ast.parse(source)
    module_doc = ast.get_docstring(tree) or ""
    synopsis = re.search(r":synopsis:\s*(.+)", module_doc)
    if synopsis:
        out[qual] = {"doc": inline(synopsis.group(1))}
    # What a class without a docstring of its own is documented by.
    module_description = description(split_doc(module_doc, until_heading=True)[0])
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and not node.name.startswith("_"):
            out[f"{qual}.{node.name}"] = doc_entry(ast.get_docstring(node), signature(node))
        elif isinstance(node, ast.ClassDef) and not node.name.startswith("_"):
            cq = f"{qual}.{node.name}"
            class_doc = ast.get_docstring(node)
            init = next((i for i in node.body if isinstance(i, ast.FunctionDef) and i.name == "__init__"), None)
            entry = doc_entry(class_doc, signature(init) if init else None)
            if init is not None:
                # The constructor's parameters, documented on either.
                entry.setdefault("params", {}).update(doc_entry(ast.get_docstring(init)).get("params", {}))
                if not entry["params"]:
                    del entry["params"]
                if "doc" not in entry:
                    init_doc = doc_entry(ast.get_docstring(init)).get("doc")
                    if init_doc:
                        entry["doc"] = init_doc
            if "doc" not in entry and module_description:
                entry["doc"] = module_description
            out[cq] = entry
            for attr, paragraphs in split_doc(class_doc)[2].items():
                text = description(paragraphs)
                if text:
                    out[f"{cq}.{attr}"] = {"doc": text}
            for item in node.body:
                if not isinstance(item, (ast.FunctionDef, ast.AsyncFunctionDef)) or item.name.startswith("_"):
                    continue
                decos = decorator_names(item)
                if "setter" in decos or "deleter" in decos:
                    continue
                is_property = "property" in decos or any(d.endswith("_property") for d in decos)
                member = doc_entry(ast.get_docstring(item), None if is_property else signature(item))
                documented = out.get(f"{cq}.{item.name}", {})
                if "doc" not in member and "doc" in documented:
                    member["doc"] = documented["doc"]
                out[f"{cq}.{item.name}"] = member


def read_wheel_docs(path):
    docs = {}
    with zipfile.ZipFile(path) as z:
        for name in sorted(z.namelist()):
            if not (name.startswith(PACKAGE) and name.endswith(".py")):
                continue
            qual = name[:-3].replace("/", ".")
            if qual.endswith(".__init__"):
                qual = qual[: -len(".__init__")]
            read_docs(qual, z.read(name).decode("utf-8", "replace"), docs)
    return docs


def marker(doc, first_paragraph_only=False):
    if not doc:
        return None
    if first_paragraph_only:
        doc = doc.strip().split("\n\n")[0]
    m = MARKER.search(doc)
    return f"{m.group(1)}.{m.group(2)}" if m else None


def params(fn):
    a = fn.args
    out = []
    for p in a.posonlyargs + a.args:
        out.append(p.arg)
    if a.vararg:
        out.append("*" + a.vararg.arg)
    for p in a.kwonlyargs:
        out.append(p.arg)
    if a.kwarg:
        out.append("**" + a.kwarg.arg)
    return out


def decorator_names(fn):
    names = []
    for d in fn.decorator_list:
        if isinstance(d, ast.Call):
            d = d.func
        if isinstance(d, ast.Name):
            names.append(d.id)
        elif isinstance(d, ast.Attribute):
            names.append(d.attr)
    return names


def read_module(qual, source):
    """Top-level names of one SDK module: classes (members, bases), functions,
    constants, and what it imports from the SDK (aliases)."""
    tree = ast.parse(source)
    module = {"doc_since": marker(ast.get_docstring(tree)), "names": {}}
    names = module["names"]

    def resolve_from(node):
        if node.level:
            base = qual.split(".") if is_package[0] else qual.split(".")[:-1]
            base = base[: len(base) - (node.level - 1)]
            mod = ".".join(base + ([node.module] if node.module else []))
        else:
            mod = node.module or ""
        return mod

    for node in tree.body:
        if isinstance(node, ast.ImportFrom):
            mod = resolve_from(node)
            if mod.startswith("safeguard.sessions.plugin"):
                for a in node.names:
                    if a.name != "*":
                        names[a.asname or a.name] = {"kind": "alias", "target": f"{mod}.{a.name}"}
        elif isinstance(node, ast.ClassDef):
            members = {}
            for item in node.body:
                if isinstance(item, (ast.FunctionDef, ast.AsyncFunctionDef)):
                    decos = decorator_names(item)
                    kind = "method"
                    if "property" in decos or any(d.endswith("_property") for d in decos):
                        kind = "property"
                    elif "classmethod" in decos:
                        kind = "classmethod"
                    elif "staticmethod" in decos:
                        kind = "staticmethod"
                    entry = members.setdefault(item.name, {"kind": kind})
                    if kind != "property" and not any(d == "setter" for d in decos):
                        entry["params"] = params(item)
                    if not item.name.startswith("__"):
                        entry["doc_since"] = marker(ast.get_docstring(item))
                    for sub in ast.walk(item):
                        if (isinstance(sub, ast.Assign) and len(sub.targets) == 1
                                and isinstance(sub.targets[0], ast.Attribute)
                                and isinstance(sub.targets[0].value, ast.Name)
                                and sub.targets[0].value.id == "self"):
                            attr = sub.targets[0].attr
                            a = members.setdefault(attr, {"kind": "attribute"})
                            if isinstance(sub.value, ast.Call) and isinstance(sub.value.func, ast.Name):
                                a.setdefault("type_name", sub.value.func.id)
                elif isinstance(item, (ast.Assign, ast.AnnAssign)):
                    targets = item.targets if isinstance(item, ast.Assign) else [item.target]
                    for t in targets:
                        if isinstance(t, ast.Name):
                            members.setdefault(t.id, {"kind": "attribute"})
            bases = []
            for b in node.bases:
                if isinstance(b, ast.Name):
                    bases.append(b.id)
                elif isinstance(b, ast.Attribute):
                    bases.append(ast.unparse(b))
            names[node.name] = {
                "kind": "class",
                "bases_local": bases,
                "members": members,
                "doc_since": marker(ast.get_docstring(node), True),
            }
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            names[node.name] = {
                "kind": "function",
                "params": params(node),
                "doc_since": marker(ast.get_docstring(node)),
            }
        elif isinstance(node, (ast.Assign, ast.AnnAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            for t in targets:
                if isinstance(t, ast.Name):
                    names.setdefault(t.id, {"kind": "constant"})
    return module


is_package = [False]


def read_wheel(path):
    """{module: read_module(...)} for the wheel's `safeguard.sessions.plugin`."""
    modules = {}
    requirements = []
    with zipfile.ZipFile(path) as z:
        for name in sorted(z.namelist()):
            if name.endswith(".dist-info/METADATA"):
                for line in z.read(name).decode().splitlines():
                    if line.startswith("Requires-Dist:"):
                        dist = re.split(r"[ ;(=<>!~\[]", line[len("Requires-Dist:"):].strip())[0]
                        requirements.append(dist.lower())
            if not (name.startswith(PACKAGE) and name.endswith(".py")):
                continue
            qual = name[:-3].replace("/", ".")
            is_package[0] = qual.endswith(".__init__")
            if is_package[0]:
                qual = qual[: -len(".__init__")]
            modules[qual] = read_module(qual, z.read(name).decode("utf-8", "replace"))
    return modules, sorted(set(requirements))


def resolve_classes(modules):
    """Bases as qualified names, types of attributes, and every class's
    members flattened over its SDK bases (MRO order: own members first)."""

    def qualify(mod, local):
        entry = modules[mod]["names"].get(local)
        if entry is None:
            return None
        if entry["kind"] == "alias":
            target_mod, _, target_name = entry["target"].rpartition(".")
            if target_mod in modules:
                return qualify(target_mod, target_name)
            return None
        return f"{mod}.{local}"

    def lookup(qual):
        mod, _, name = qual.rpartition(".")
        return modules[mod]["names"][name]

    for mod, m in modules.items():
        for name, entry in m["names"].items():
            if entry["kind"] != "class":
                continue
            entry["bases"] = [q for q in (qualify(mod, b) for b in entry["bases_local"]) if q] + [
                b for b in entry["bases_local"] if qualify(mod, b) is None
            ]
            for member in entry["members"].values():
                t = member.pop("type_name", None)
                if t:
                    q = qualify(mod, t)
                    if q:
                        member["type"] = q

    def flat(qual, seen=()):
        entry = lookup(qual)
        members = dict(entry["members"])
        for b in entry["bases"]:
            if b in seen or "." not in b or b.rpartition(".")[0] not in modules:
                continue
            for k, v in flat(b, seen + (qual,)).items():
                members.setdefault(k, v)
        return members

    for mod, m in modules.items():
        for name, entry in m["names"].items():
            if entry["kind"] == "class":
                entry["all_members"] = flat(f"{mod}.{name}")
                entry["mro"] = mro(modules, lookup, f"{mod}.{name}")


def mro(modules, lookup, qual, seen=()):
    out = [qual]
    entry = lookup(qual)
    for b in entry["bases"]:
        if b in seen or b.rpartition(".")[0] not in modules:
            continue
        for q in mro(modules, lookup, b, seen + (qual,)):
            if q not in out:
                out.append(q)
    return out


def later(a, b):
    """The later of two major.minor strings (None counts as earliest)."""
    if a is None:
        return b
    if b is None:
        return a
    return a if tuple(map(int, a.split("."))) >= tuple(map(int, b.split("."))) else b


def previous_minor(v):
    major, mi = v.split(".")
    return f"{major}.{int(mi) - 1}"


def since_with_marker(first, doc_since):
    """A marker raises `since` only over a backport into the minor before."""
    if doc_since and first == previous_minor(doc_since):
        return doc_since
    return first


def build(folder):
    apis = []
    per_api = {}
    wheels = {}
    for v in VERSIONS:
        api = minor(v)
        if api in per_api:
            continue
        modules, reqs = read_wheel(wheel_path(folder, v))
        resolve_classes(modules)
        per_api[api] = (modules, reqs)
        wheels[api] = v
        apis.append(api)

    newest = apis[-1]
    out_modules = {}

    def record(table, key, api, payload=None):
        entry = table.get(key)
        if entry is None:
            entry = {"since": api}
            if payload:
                entry.update(payload)
            table[key] = entry
        entry["_last"] = api
        return entry

    for api in apis:
        modules, _ = per_api[api]
        for qual, m in modules.items():
            me = record(out_modules, qual, api, {"names": {}})
            me["_doc"] = later(me.get("_doc"), m["doc_since"])
            for name, entry in m["names"].items():
                payload = {"kind": entry["kind"]}
                if entry["kind"] == "alias":
                    payload["target"] = entry["target"]
                ne = record(me["names"], name, api, payload)
                if entry.get("doc_since"):
                    ne["_doc"] = entry["doc_since"]
                if entry["kind"] == "function":
                    ne["params"] = entry["params"]
                if entry["kind"] == "class":
                    ne["bases"] = entry["bases"]
                    ne["mro"] = entry["mro"]
                    ne.setdefault("members", {})
                    for mname, member in entry["all_members"].items():
                        mp = {"kind": member["kind"]}
                        me2 = record(ne["members"], mname, api, mp)
                        me2["kind"] = member["kind"]
                        if member.get("doc_since"):
                            me2["_doc"] = member["doc_since"]
                        if "type" in member:
                            me2["type"] = member["type"]
                        if "params" in member:
                            kw = me2.setdefault("keywords", {})
                            for p in member["params"]:
                                k = record(kw, p, api)
                                del k["_last"]
                                kw[p] = k
                            me2["params"] = member["params"]

    def finish(entry, parent_since):
        entry["since"] = since_with_marker(later(entry["since"], parent_since), entry.pop("_doc", None))
        last = entry.pop("_last")
        if last != newest:
            entry["until"] = last
        return entry["since"]

    for qual, me in out_modules.items():
        msince = finish(me, None)
        for name, ne in me["names"].items():
            nsince = finish(ne, msince)
            for mname, m in ne.get("members", {}).items():
                s = finish(m, nsince)
                kws = m.pop("keywords", None)
                if kws:
                    # Keywords newer than the method itself.
                    newer = {k: v["since"] for k, v in kws.items() if later(v["since"], s) != s}
                    if newer:
                        m["keywords_since"] = newer

    requirements = {}
    for api in apis:
        mods = set()
        for dist in per_api[api][1]:
            for module in DIST_MODULES.get(dist, [dist.replace("-", "_").replace(".", "_")]):
                mods.add(module)
        requirements[api] = sorted(mods)

    # The documentation as the newest wheel that has the name gives it.
    docs = {}
    for v in VERSIONS:
        docs.update(read_wheel_docs(wheel_path(folder, v)))
    docs = {k: v for k, v in docs.items() if v}

    return {
        "$comment": "Generated by scripts/sdk-api.py from the SDK wheels; do not edit. "
        "Per API (major.minor), the earliest wheel of that minor: see `wheels`. "
        "`docs`: signatures and documentation, as of the newest wheel that has the name.",
        "docs": docs,
        "apis": apis,
        "wheels": wheels,
        "requirements": requirements,
        "dist_modules": DIST_MODULES,
        "modules": out_modules,
    }


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--wheels", help="folder holding the wheels already downloaded")
    ap.add_argument("--out", default=os.path.join(os.path.dirname(__file__), "..", "schemas", "sdk-api.json"))
    args = ap.parse_args()
    if args.wheels:
        data = build(args.wheels)
    else:
        with tempfile.TemporaryDirectory() as tmp:
            download(tmp)
            data = build(tmp)
    with open(args.out, "w") as f:
        json.dump(data, f, indent=1, sort_keys=True)
        f.write("\n")


if __name__ == "__main__":
    main()
