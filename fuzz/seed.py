#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Writes raw seed inputs for every fuzz target into OUT/<target>/, from the
test suites and cards in SHARED (../shared), the project's own cards and
payloads, and `cardc sample` when the cardc given has it. fuzz/run.sh
--seed merges them (libFuzzer -merge=1) into fuzz/corpus/<target>/.

usage: seed.py SHARED PROJECT OUT [CARDC]
"""
import glob
import hashlib
import json
import os
import re
import subprocess
import sys

MAX_SEED = 64 * 1024  # keep the corpora small (the repo carries them)


def put(out, target, data):
    if isinstance(data, str):
        data = data.encode()
    if len(data) > MAX_SEED:
        return
    d = os.path.join(out, target)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, hashlib.sha1(data).hexdigest()), "wb") as f:
        f.write(data)


def read(path):
    with open(path, "rb") as f:
        return f.read()


def samples(cardc, card, side):
    """`cardc sample` payloads of one side (valid and one-keyword-invalid),
    one per line; none when the side has no schema."""
    out = []
    for flag in ([], ["--invalid"]):
        try:
            r = subprocess.run([cardc, "sample", card, "--side", side, "--count", "40"] + flag,
                               capture_output=True, timeout=60)
        except (OSError, subprocess.TimeoutExpired):
            continue
        if r.returncode == 0:
            out += [line for line in r.stdout.split(b"\n") if line]
    return out


def main():
    shared, project, out = sys.argv[1], sys.argv[2], sys.argv[3]
    cardc = sys.argv[4] if len(sys.argv) > 4 else None
    parsing = sorted(glob.glob(os.path.join(shared, "JSONTestSuite", "test_parsing", "*.json")))
    if not parsing:
        sys.exit("seed.py: %s/JSONTestSuite missing" % shared)
    payloads = sorted(glob.glob(os.path.join(project, "examples", "payloads", "*", "*.json")))
    cards = sorted(p for p in glob.glob(os.path.join(shared, "cards", "**", "*"), recursive=True)
                   if os.path.isfile(p) and not p.endswith("README.md"))
    cards.append(os.path.join(project, "schemas", "llava-1.5-7b-hf.md"))

    # duplicate member names: read (last wins) and refused (SECURITY.md)
    dups = [b'{"a":1,"a":2}', b'{"a":{"b":1,"b":2},"c":[{"d":1},{"d":1,"d":2}]}',
            b'{"a\\u0000x":1,"a":2}', b'{"\\u0061":1,"a":2}']
    for p in parsing + payloads:
        put(out, "fuzz_json", read(p))
        put(out, "fuzz_pull", read(p))
        put(out, "fuzz_doc", read(p))
    for d in dups:
        put(out, "fuzz_json", d)
        put(out, "fuzz_pull", d)
        put(out, "fuzz_doc", d)
    for p in payloads:
        put(out, "fuzz_decode", read(p))
    for p in cards:
        text = read(p)
        put(out, "fuzz_card", text)
        m = re.match(rb"---\n(.*?)\n---\n", text, re.S)
        if m:
            put(out, "fuzz_yaml", m.group(1))
        elif p.endswith(".yaml"):
            put(out, "fuzz_yaml", text)

    # card schemas: generator input, and (with a dummy instance) schema input
    card_schemas = []
    for p in cards:
        if p.endswith(".json"):
            doc = json.loads(read(p))
            for side in ("input", "output"):
                s = doc.get("schema", {}).get(side)
                if s is not None:
                    card_schemas.append(json.dumps(s, separators=(",", ":")))
    suite = os.path.join(shared, "JSON-Schema-Test-Suite", "tests")
    for draft in ("draft7", "draft2020-12"):
        for p in sorted(glob.glob(os.path.join(suite, draft, "*.json"))):
            for case in json.loads(read(p)):
                schema = json.dumps(case["schema"], separators=(",", ":"))
                put(out, "fuzz_gen", schema)
                for t in case["tests"][:2]:
                    put(out, "fuzz_schema", schema + "\n" + json.dumps(t["data"]))
                    put(out, "fuzz_doc", schema + "\n" + json.dumps(t["data"]))
    for s in card_schemas:
        put(out, "fuzz_gen", s)
        put(out, "fuzz_schema", s + "\n{}")

    # fuzz_cards: byte 0 picks model and side (registry order); every slot
    # gets the bundled payloads and a few shapes.
    shapes = [b"{}", b"[]", b"\"x\"", b"0", b"null", b'{"prompt":"hi"}',
              b'{"messages":[{"role":"user","content":"hi"}]}', b'{"text":"hi"}',
              b'{"response":"ok"}', b'{"image":[1,2,3],"prompt":"p"}',
              b'{"prompt":"a","image":[1],"prompt":"b"}', b'{"text":"a","text":"b"}']
    slots = 2 * (len(cards))
    for slot in range(min(slots, 256)):
        for body in shapes + [read(p) for p in payloads[:4]]:
            put(out, "fuzz_cards", bytes([slot]) + body)
    if cardc:
        for slot, p in enumerate(cards):
            for side in (0, 1):
                for payload in samples(cardc, p, ("input", "output")[side]):
                    put(out, "fuzz_cards", bytes([2 * slot + side]) + payload)

    # fuzz_client: byte 0 part, byte 1 status index (0 = 200, 9 = 429, 10 = 500)
    envelopes = [
        b'{"result":{"description":"a cat"},"success":true,"errors":[],"messages":[]}',
        b'{"result":null,"success":false,"errors":[{"code":3036,"message":"quota"}],"messages":[]}',
        b'{"success":false,"errors":[{"code":5007,"message":"No such model"}]}',
        b'<html><body>502 Bad Gateway</body></html>',
        b'{"result":{"response":"x"},"success":true}',
    ]
    for i, e in enumerate(envelopes):
        for st in (0, 3, 4, 9, 10):
            put(out, "fuzz_client", bytes([0, st]) + e)
    answers = [
        b'{"id":"c","choices":[{"index":0,"message":{"role":"assistant","content":"a cat"}}]}',
        b'{"error":{"message":"model not found","type":"invalid_request_error"}}',
        b'{"choices":[]}',
    ]
    for a in answers:
        for st in (0, 4, 9, 0x80):
            put(out, "fuzz_client", bytes([1, st]) + a)
    chunks = [b'{"choices":[{"delta":{"content":"he"}}]}', b'{"choices":[{"delta":{}}]}',
              b'{"error":{"message":"x"}}', b'[DONE]']
    for c in chunks:
        put(out, "fuzz_client", bytes([2, 0]) + c)
    streams = [b'data: {"response":"a"}\n\ndata: {"response":"b"}\n\ndata: [DONE]\n\n',
               b': comment\r\nevent: x\r\ndata: 1\r\ndata: 2\r\n\r\n',
               b'data:x\rdata:y\r\r', b'id: 1\nretry: 10\ndata\n\n']
    for s in streams:
        put(out, "fuzz_client", bytes([3, 0]) + s)
        put(out, "fuzz_client", bytes([3, 0]) + b"\x01\x05\x02\x00" + s)
    for b in (b"", b"f", b"fo", b"foo", b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff", b"120",
              b"Wed, 21 Oct 2015 07:28:00 GMT"):
        put(out, "fuzz_client", bytes([4, 0]) + b)


if __name__ == "__main__":
    main()
