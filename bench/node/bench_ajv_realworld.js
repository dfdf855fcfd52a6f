// SPDX-License-Identifier: MIT
// Peer measurement: ajv on the real-world set (../shared/jsonschema-benchmark),
// measured as bench_realworld measures cardc and as that public benchmark
// measures every validator: the instances parsed first, the schema compiled
// once (reported apart), one cold pass, warm-up passes, then the timed warm
// pass (the median of WARM_PASSES passes, after at least WARMUP_PASSES passes
// and WARMUP_SECONDS).
// Usage: node bench_ajv_realworld.js DIR [SCHEMA...]
// Prints one JSON line per schema, the shape bench_realworld prints:
//   {"tool":"ajv","schema":NAME,"instances":N,"compile_us":X,"cold_ns":X,
//    "warm_ns":X,"loop100_sum_ns":X,"valid":N}
// ajv runs as the public benchmark runs it: the class of the schema's
// dialect, {strict: false}, no format plugin (formats are not checked; cardc
// does not assert them either by default), first error only. Two schemas need
// an option before ajv compiles them (see workaround(); "note" says which).
'use strict';
const fs = require('fs');
const path = require('path');
const Ajv = require('ajv').default;
const Ajv2019 = require('ajv/dist/2019').default;
const Ajv2020 = require('ajv/dist/2020').default;

const WARMUP_PASSES = 5;
const WARMUP_SECONDS = 0.05;
const WARM_PASSES = 5;
const LOOPS = 100;

const DIALECTS = {
  'http://json-schema.org/draft-07/schema': Ajv,
  'http://json-schema.org/draft-06/schema': Ajv,
  'https://json-schema.org/draft/2019-09/schema': Ajv2019,
  'https://json-schema.org/draft/2020-12/schema': Ajv2020,
};

function seconds(t0) {
  return Number(process.hrtime.bigint() - t0) / 1e9;
}

// What ajv needs told to compile a schema the other validators take as it
// is; returns a note for the report, or undefined when there is no fix.
function workaround(e, options) {
  if (e instanceof SyntaxError && options.unicodeRegExp !== false) {
    // a pattern that is no valid u-flag regex (krakend's "\\&")
    options.unicodeRegExp = false;
    return 'unicodeRegExp: false';
  }
  if (/resolves to more than one schema/.test(e.message) && options.meta !== false) {
    // a bundled copy of the draft-07 meta-schema under its own $id (ui5-manifest)
    options.meta = false;
    options.validateSchema = false;
    return 'meta: false';
  }
  return undefined;
}

function pass(validate, docs) {
  let valid = 0;
  const t0 = process.hrtime.bigint();
  for (const doc of docs) if (validate(doc)) valid++;
  return { s: seconds(t0), valid };
}

function measure(dir, name) {
  const schema = JSON.parse(fs.readFileSync(path.join(dir, name, 'schema.json'), 'utf8'));
  const uri = (schema.$schema || 'http://json-schema.org/draft-07/schema').replace(/#$/, '');
  const Class = DIALECTS[uri];
  if (!Class) throw new Error(`${name}: no ajv class for dialect ${uri}`);
  const notes = [];
  const options = { strict: false, logger: false };
  let t0, validate;
  for (;;) {
    t0 = process.hrtime.bigint();
    try {
      validate = new Class(options).compile(schema);
      break;
    } catch (e) {
      const fix = workaround(e, options);
      if (!fix) throw e;
      notes.push(fix);
    }
  }
  const compileS = seconds(t0);

  const docs = fs.readFileSync(path.join(dir, name, 'instances.jsonl'), 'utf8')
    .split('\n').filter((l) => l.length > 0).map((l) => JSON.parse(l));
  const n = docs.length || 1;
  const cold = pass(validate, docs);
  t0 = process.hrtime.bigint();
  for (let k = 0; k < WARMUP_PASSES || seconds(t0) < WARMUP_SECONDS; k++) pass(validate, docs);
  const warm = [];
  for (let k = 0; k < WARM_PASSES; k++) warm.push(pass(validate, docs).s);
  warm.sort((a, b) => a - b);
  let loopSum = 0;
  for (const doc of docs) {
    t0 = process.hrtime.bigint();
    for (let k = 0; k < LOOPS; k++) validate(doc);
    loopSum += seconds(t0) / LOOPS;
  }
  return {
    tool: 'ajv', schema: name, instances: docs.length,
    compile_us: +(compileS * 1e6).toFixed(1),
    cold_ns: +(cold.s * 1e9 / n).toFixed(1),
    warm_ns: +(warm[WARM_PASSES >> 1] * 1e9 / n).toFixed(1),
    loop100_sum_ns: +(loopSum * 1e9).toFixed(1),
    valid: cold.valid,
    ...(notes.length ? { note: notes.join('; ') } : {}),
  };
}

const dir = process.argv[2];
if (!dir) {
  console.error('usage: node bench_ajv_realworld.js DIR [SCHEMA...]');
  process.exit(2);
}
let names = process.argv.slice(3);
if (names.length === 0) {
  names = fs.readdirSync(dir).filter((d) => fs.existsSync(path.join(dir, d, 'schema.json'))).sort();
}
if (names.length === 0) {
  console.error(`bench_ajv_realworld: no schema folders under ${dir}`);
  process.exit(1);
}
for (const name of names) console.log(JSON.stringify(measure(dir, name)));
