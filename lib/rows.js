// Decoders of the row wire forms the addon builds (src/js/rowwire.rs). The addon calls them
// on the JS thread, before it settles a Promise, so every caller sees plain objects:
//
//   - JSON: one `JSON.parse` per result, then the timestamps the revive plan names become
//     Dates (a function generated once per plan; no reviver callback per value);
//   - columnar: tags, numbers and string ends in one ArrayBuffer, all text in one string,
//     decoded by a function generated once per result shape (one object literal, so every
//     row of a shape has the same hidden class).
//
// Both fall back to interpreting their plan / shape when code generation from strings is
// disallowed (`--disallow-code-generation-from-strings`).
'use strict';

// What a result is (src/js/rowwire.rs `Wrap`).
const ROWS = 0;
const ONE = 1;
const PAGE = 2;
const RAW = 3;

let canGenerate = true;
function generate(params, body) {
  if (canGenerate) {
    try {
      // eslint-disable-next-line no-new-func
      return new Function(...params, body);
    } catch {
      canGenerate = false;
    }
  }
  return null;
}

// ---------- JSON ----------

/** Code reviving `target[key]` by `node` (1: a date; ['i', n]: items; ['f', [[k, n], …]]: fields). */
function reviveCode(node, target, key, depth) {
  if (node === 1) {
    return `v = ${target}[${key}]; if (typeof v === 'number') ${target}[${key}] = new Date(v);\n`;
  }
  const [how, inner] = node;
  if (how === 'i') {
    const a = `a${depth}`;
    const i = `i${depth}`;
    return `{ const ${a} = ${target}[${key}]; if (Array.isArray(${a})) for (let ${i} = 0; ${i} < ${a}.length; ${i}++) {\n${reviveCode(inner, a, i, depth + 1)}} }\n`;
  }
  const o = `o${depth}`;
  return `{ const ${o} = ${target}[${key}]; if (${o} !== null && typeof ${o} === 'object' && !Array.isArray(${o})) {\n${inner
    .map(([k, n]) => reviveCode(n, o, JSON.stringify(k), depth + 1))
    .join('')}} }\n`;
}

/** The same as `reviveCode`, interpreted. */
function reviveSlow(node, target, key) {
  const v = target[key];
  if (node === 1) {
    if (typeof v === 'number') target[key] = new Date(v);
    return;
  }
  const [how, inner] = node;
  if (how === 'i') {
    if (Array.isArray(v)) for (let i = 0; i < v.length; i++) reviveSlow(inner, v, i);
  } else if (v !== null && typeof v === 'object' && !Array.isArray(v)) {
    for (const [k, n] of inner) reviveSlow(n, v, k);
  }
}

const revivers = new Map(); // plan text → (rows: object[]) => void

function reviver(planText) {
  let fn = revivers.get(planText);
  if (fn !== undefined) return fn;
  const plan = JSON.parse(planText);
  fn = generate(
    ['rows'],
    `for (let r = 0; r < rows.length; r++) { const row = rows[r]; let v;\n${plan
      .map(([column, node]) => reviveCode(node, 'row', JSON.stringify(column), 0))
      .join('')}}`,
  );
  if (fn === null) {
    fn = (rows) => {
      for (const row of rows) for (const [column, node] of plan) reviveSlow(node, row, column);
    };
  }
  if (revivers.size < 4096) revivers.set(planText, fn);
  return fn;
}

/** A JSON-form result: `text` parsed, then `plan`'s timestamps revived. */
function decodeJson(text, plan, kind) {
  const value = JSON.parse(text);
  if (plan !== '') {
    const revive = reviver(plan);
    if (kind === ROWS) revive(value);
    else if (kind === ONE) revive([value]);
    else if (kind === PAGE) revive(value.data);
    else revive(value.rows);
  }
  return value;
}

// ---------- columnar ----------

// Tags (src/js/rowwire.rs `tag`).
const T_NULL = 0;
const T_FALSE = 1;
const T_TRUE = 2;
const T_NUMBER = 3;
const T_STRING = 4;
const T_DATE = 5;
const T_JSON = 6;
const T_BYTES = 7;
const T_ARRAY = 8;
const T_OBJECT = 9;
const K_BOOL = 10;

/** Reads any value at the cursor `c` (the generic path: nested values, unexpected kinds). */
function readAny(c) {
  switch (c.t[c.ti++]) {
    case T_NULL:
      return null;
    case T_FALSE:
      return false;
    case T_TRUE:
      return true;
    case T_NUMBER:
      return c.n[c.ni++];
    case T_STRING:
      return c.s.slice(c.sp, (c.sp = c.o[c.oi++]));
    case T_DATE:
      return new Date(c.n[c.ni++]);
    case T_JSON:
      return c.j[c.ji++];
    case T_BYTES: {
      const end = c.o[c.oi++];
      const b = Buffer.from(c.b.subarray(c.bp, end));
      c.bp = end;
      return b;
    }
    case T_ARRAY: {
      const len = c.o[c.oi++];
      const out = new Array(len);
      for (let i = 0; i < len; i++) out[i] = readAny(c);
      return out;
    }
    case T_OBJECT: {
      const len = c.o[c.oi++];
      const out = {};
      for (let i = 0; i < len; i++) {
        const k = c.s.slice(c.sp, (c.sp = c.o[c.oi++]));
        const v = readAny(c);
        if (k === '__proto__') Object.defineProperty(out, k, { value: v, writable: true, enumerable: true, configurable: true });
        else out[k] = v;
      }
      return out;
    }
    default:
      throw new Error('admin-pg-native: corrupt row buffer');
  }
}

/** The fast read of a value of column kind `kind` into `v${k}`, generic otherwise. */
function readCode(kind, k) {
  const fast = {
    [T_NUMBER]: `case ${T_NUMBER}: v${k} = n[ni++]; break;`,
    [T_STRING]: `case ${T_STRING}: v${k} = s.slice(sp, (sp = o[oi++])); break;`,
    [T_DATE]: `case ${T_DATE}: v${k} = new Date(n[ni++]); break;`,
    [T_JSON]: `case ${T_JSON}: v${k} = j[ji++]; break;`,
    [K_BOOL]: `case ${T_FALSE}: v${k} = false; break; case ${T_TRUE}: v${k} = true; break;`,
  }[kind] ?? '';
  return `switch (t[ti++]) { case ${T_NULL}: v${k} = null; break; ${fast}
    default: c.ti = ti - 1; c.ni = ni; c.oi = oi; c.sp = sp; c.ji = ji; v${k} = readAny(c); ti = c.ti; ni = c.ni; oi = c.oi; sp = c.sp; ji = c.ji; }\n`;
}

/** An object-literal key for a column name (`__proto__` computed, so it stays an own key). */
const literalKey = (name) => (name === '__proto__' ? '["__proto__"]' : JSON.stringify(name));

function shapeDecoder(columns, kinds) {
  const width = columns.length;
  const vars = columns.map((_, k) => `v${k}`).join(', ');
  const body = `let ti = 0, ni = 0, oi = 0, sp = 0, ji = 0;
    const out = new Array(count);
    for (let r = 0; r < count; r++) {
      let ${vars};
      ${columns.map((_, k) => readCode(kinds[k], k)).join('')}
      out[r] = {${columns.map((name, k) => `${literalKey(name)}: v${k}`).join(', ')}};
    }
    c.ti = ti; c.ni = ni; c.oi = oi; c.sp = sp; c.ji = ji;
    return out;`;
  const fn = width > 0 ? generate(['t', 'n', 'o', 's', 'j', 'c', 'count', 'readAny'], body) : null;
  if (fn !== null) return (t, n, o, s, j, c, count) => fn(t, n, o, s, j, c, count, readAny);
  return (t, n, o, s, j, c, count) => {
    const out = new Array(count);
    for (let r = 0; r < count; r++) {
      const row = {};
      for (let k = 0; k < width; k++) {
        Object.defineProperty(row, columns[k], { value: readAny(c), writable: true, enumerable: true, configurable: true });
      }
      out[r] = row;
    }
    return out;
  };
}

const shapes = []; // shape id → decoder

/**
 * A columnar result. `shape` is `[columns, kinds]` on a shape's first appearance (or always,
 * with id 0), else `null`. `buf` holds the numbers, string ends and tags (in that order).
 */
function decodeColumnar(id, shape, buf, nNums, nOffs, nTags, text, jsonText, count, kind, extra) {
  let decode = id === 0 ? null : shapes[id];
  if (decode === undefined || decode === null) {
    decode = shapeDecoder(shape[0], shape[1]);
    if (id !== 0) shapes[id] = decode;
  }
  const n = new Float64Array(buf, 0, nNums);
  const o = new Uint32Array(buf, nNums * 8, nOffs);
  const t = new Uint8Array(buf, nNums * 8 + nOffs * 4, nTags);
  const b = new Uint8Array(buf, nNums * 8 + nOffs * 4 + nTags);
  const j = jsonText === '' ? null : JSON.parse(jsonText);
  const c = { t, n, o, s: text, j, b, ti: 0, ni: 0, oi: 0, sp: 0, ji: 0, bp: 0 };
  const rows = count === 0 ? [] : decode(t, n, o, text, j, c, count);
  if (kind === ROWS) return rows;
  if (kind === ONE) return rows[0];
  if (kind === PAGE) return { data: rows, total: extra[0], page: extra[1], perPage: extra[2], hasMore: extra[3] };
  return { rows, rowCount: extra[0], command: extra[1] };
}

module.exports = { decodeJson, decodeColumnar, ROWS, ONE, PAGE, RAW };
