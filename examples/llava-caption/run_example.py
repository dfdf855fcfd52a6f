#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Runs examples/llava-caption and checks what it prints.

Usage: run_example.py caption|conflict|bad-reply LLAVA_CAPTION EXAMPLE_DIR

caption:  the shipped image, a prompt and the sample reply: exit 0, the
          request's size and start, the reply's description.
conflict: --also-messages (prompt and messages both set): exit 1, encode
          refuses the request with the card's errorMessage.
bad-reply: a reply whose description is a number: exit 1, the decode error
          with the reply file's line and column.
Exit status 0 when the run behaved as described, 1 otherwise.
"""
import os
import subprocess
import sys
import tempfile


def main():
    mode, exe, src = sys.argv[1], sys.argv[2], sys.argv[3]
    image = os.path.join(src, 'cat.png')
    reply = os.path.join(src, 'sample-output.json')
    prompt = 'What is on the sofa?'
    if mode == 'caption':
        argv, want_rc = [exe, image, prompt, reply], 0
        want_out = ['image: ' + image + ', 89 bytes (PNG, 16x16)',
                    'request: ',
                    '  {"prompt":"What is on the sofa?","raw":false,"image":[137,80,78,71,13,10,26,10,',
                    'description: A cat sleeping on a red sofa.']
        want_err = []
    elif mode == 'bad-reply':
        fd, reply = tempfile.mkstemp(suffix='.json')
        with os.fdopen(fd, 'w') as f:
            f.write('{\n  "description": 42\n}\n')
        argv, want_rc = [exe, image, prompt, reply], 1
        want_out = ['request: ']
        want_err = ['llava-caption: reply refused: ' + reply +
                    ':2:18: /description: must be of type string, got integer 42']
    else:
        argv, want_rc = [exe, '--also-messages', image, prompt, reply], 1
        want_out = ['image: ']
        msg = '"prompt" and "messages" are mutually exclusive'
        want_err = ['llava-caption: request invalid: ', 'llava-caption: request refused by encode: ',
                    msg]
    try:
        proc = subprocess.run(argv, capture_output=True, text=True, timeout=60)
    finally:
        if mode == 'bad-reply':
            os.unlink(reply)
    sys.stdout.write(proc.stdout)
    sys.stderr.write(proc.stderr)
    bad = []
    if proc.returncode != want_rc:
        bad.append('exit status %d, expected %d' % (proc.returncode, want_rc))
    if mode == 'conflict':
        if 'request: ' in proc.stdout:
            bad.append('a refused request was printed')
        if proc.stderr.count(msg) != 2:
            bad.append('the errorMessage is not in both refusals')
    for s in want_out:
        if s not in proc.stdout:
            bad.append('stdout lacks %r' % s)
    for s in want_err:
        if s not in proc.stderr:
            bad.append('stderr lacks %r' % s)
    if mode == 'caption' and proc.stderr:
        bad.append('unexpected stderr')
    for b in bad:
        print('run_example: FAIL: ' + b, file=sys.stderr)
    return 1 if bad else 0


if __name__ == '__main__':
    sys.exit(main())
