#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Copies the golden header's types (enums, structs, initializers) into README.md's
worked example. Run after CARDC_UPDATE_GOLDEN=1 changed the golden files;
the gen test checks that they agree."""
import os
import re
import sys

root = sys.argv[1] if len(sys.argv) > 1 else "."
h = open(os.path.join(root, "tests/gen/golden/llava_1_5_7b_hf.h"), encoding="utf-8").read()
excerpt = h[h.index("/* ---- Enums"):h.index("/* ---- Descriptors")].rstrip("\n") + "\n"
path = os.path.join(root, "README.md")
readme = open(path, encoding="utf-8").read()
new, n = re.subn(r"(### Worked example: the seed card.*?```c\n)(.*?)(```)",
                 lambda m: m.group(1) + excerpt + m.group(3), readme, count=1, flags=re.S)
if n != 1:
    sys.exit("README.md: worked example not found")
open(path, "w", encoding="utf-8").write(new)
