// SPDX-License-Identifier: MIT
// Peer measurement: Node JSON.parse + ajv on the payloads bench_validate writes.
// Usage: node bench_ajv.js DIR   (DIR holds schema.json and <payload>.json)
// Prints one JSON line per payload: validate-only ns for ajv (first error) and
// ajv + ajv-errors (allErrors, like cardc's exhaustive mode), and
// JSON.parse + ajv throughput in MB/s.
'use strict';
const fs = require('fs');
const path = require('path');
const Ajv = require('ajv');
const ajvErrors = require('ajv-errors');

const dir = process.argv[2];
const schema = JSON.parse(fs.readFileSync(path.join(dir, 'schema.json'), 'utf8'));
const names = ['small', 'chat', 'image-1mb', 'invalid-both', 'invalid-long', 'invalid-type'];

// Cards use "format": "binary" (OpenAPI); ajv must be told it exists.
const plain = new Ajv({ strict: false });
plain.addFormat('binary', true);
const validate = plain.compile(schema);
const withErrors = new Ajv({ strict: false, allErrors: true });
withErrors.addFormat('binary', true);
ajvErrors(withErrors);
const validateAll = withErrors.compile(schema);

const BATCHES = 9;
const BATCH_SECONDS = 0.03;

function medianSeconds(fn) {
  let iters = 1;
  for (;;) {
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < iters; i++) fn();
    const dt = Number(process.hrtime.bigint() - t0) / 1e9;
    if (dt >= BATCH_SECONDS || iters >= 2 ** 30) break;
    iters = dt <= 0 ? iters * 10 : Math.ceil(iters * (BATCH_SECONDS * 1.2 / dt));
  }
  const samples = [];
  for (let b = 0; b < BATCHES; b++) {
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < iters; i++) fn();
    samples.push(Number(process.hrtime.bigint() - t0) / 1e9 / iters);
  }
  samples.sort((a, b) => a - b);
  return samples[BATCHES >> 1];
}

for (const name of names) {
  const text = fs.readFileSync(path.join(dir, name + '.json'), 'utf8');
  const bytes = Buffer.byteLength(text);
  const doc = JSON.parse(text);
  let sink = 0;
  const ajvNs = medianSeconds(() => { sink += validate(doc) ? 1 : 0; }) * 1e9;
  const ajvAllNs = medianSeconds(() => { sink += validateAll(doc) ? 1 : 0; }) * 1e9;
  const parseS = medianSeconds(() => { sink += validate(JSON.parse(text)) ? 1 : 0; });
  console.log(JSON.stringify({
    payload: name, bytes, valid: validate(doc),
    ajv_ns: ajvNs, ajv_errors_ns: ajvAllNs,
    parse_validate_ms: parseS * 1e3, parse_validate_mbps: bytes / parseS / 1e6, sink,
  }));
}
