// The hostile-input corpus: values no caller should send, each with a label for failure
// messages. Append freely; every entry goes through every (method, argument) of surface.ts.
// Big values are made once and shared (they are never mutated).

export interface HostileInput {
  label: string;
  value: unknown;
}

const MB = 1024 * 1024;

/** `{ a: { a: … } }` nested `depth` times (built iteratively: no recursion limit here). */
function deepObject(depth: number): unknown {
  let v: unknown = { leaf: true };
  for (let i = 0; i < depth; i++) v = { a: v };
  return v;
}

function deepArray(depth: number): unknown {
  let v: unknown = [1];
  for (let i = 0; i < depth; i++) v = [v];
  return v;
}

const strings: [string, string][] = [
  ['empty string', ''],
  ['space', ' '],
  ['single quote', "'"],
  ['double quote', '"'],
  ['two single quotes', "''"],
  ['backtick', '`'],
  ['escaped quote', "\\'"],
  ['quote-close injection', "'; drop table admin_users; --"],
  ['double-quote injection', '"; drop table "admin_users"; --'],
  ['or 1=1', "' OR '1'='1"],
  ['or 1=1 comment', "admin'--"],
  ['union select', "' UNION SELECT password FROM pg_shadow --"],
  ['stacked statement', '1; select pg_sleep(10)'],
  ['stacked drop schema', "x'); drop schema public cascade; --"],
  ['placeholder $1', '$1'],
  ['placeholder $2::text', '$2::text'],
  ['placeholder $0', '$0'],
  ['placeholder $99999', '$99999'],
  ['dollar quote', '$$'],
  ['tagged dollar quote', '$tag$ drop table x $tag$'],
  ['percent (LIKE)', '%'],
  ['underscore (LIKE)', '_'],
  ['LIKE escape', '\\%'],
  ['backslash', '\\'],
  ['two backslashes', '\\\\'],
  ['backslash quote', "\\'; drop table admin_users; --"],
  ['E-string', "E'\\x41'"],
  ['hex escape text', '\\x00'],
  ['NUL byte', '\u0000'],
  ['NUL inside', 'a\u0000b'],
  ['NUL at end', 'user@example.com\u0000'],
  ['ten NULs', '\u0000'.repeat(10)],
  ['control characters', '\u0001\u0002\u0003\u001b[31m\u007f'],
  ['CR LF', '\r\n'],
  ['tabs and newlines', '\t\n\v\f'],
  ['line separator', '\u2028\u2029'],
  ['BOM', '\ufeff'],
  ['zero-width joiner', 'a\u200db'],
  ['right-to-left override', '\u202egnp.exe'],
  ['emoji', '😀'],
  ['family emoji (ZWJ)', '👨‍👩‍👧‍👦'],
  ['flag emoji', '🇺🇦'],
  ['lone high surrogate', '\ud83d'],
  ['lone low surrogate', '\udfff'],
  ['reversed surrogates', '\udfff\ud83d'],
  ['combining marks (zalgo)', 'Z\u0351\u0362\u0337A\u0300\u0301L\u0302G\u0303O'],
  ['CJK', '漢字テスト'],
  ['Arabic', 'مرحبا'],
  ['max code point', '\u{10ffff}'],
  ['noncharacter', '\uffff'],
  ['SQL comment', '/* */'],
  ['unterminated comment', '/*'],
  ['line comment', '--'],
  ['semicolon', ';'],
  ['parentheses', ')))((('],
  ['format string', '%s%s%s%n%x'],
  ['template placeholder {s}', '{s}'],
  ['migration placeholder {{schema}}', '{{schema}}'],
  ['schema-qualified name', 'public.admin_users'],
  ['quoted identifier', '"admin_users"'],
  ['information_schema', 'information_schema.tables'],
  ['null word', 'null'],
  ['NULL word', 'NULL'],
  ['undefined word', 'undefined'],
  ['true word', 'true'],
  ['NaN word', 'NaN'],
  ['Infinity word', 'Infinity'],
  ['-Infinity word', '-Infinity'],
  ['infinity timestamp', 'infinity'],
  ['epoch word', 'epoch'],
  ['now word', 'now'],
  ['number text', '42'],
  ['negative number text', '-1'],
  ['float text', '1.5e309'],
  ['hex number text', '0x1F'],
  ['huge integer text', '99999999999999999999999999999999'],
  ['JSON object text', '{"a":1}'],
  ['JSON array text', '[1,2,3]'],
  ['JSON with NUL escape', '{"a":"\\u0000"}'],
  ['broken JSON', '{"a":'],
  ['JSON string text', '"x"'],
  ['__proto__', '__proto__'],
  ['constructor', 'constructor'],
  ['prototype', 'prototype'],
  ['toString', 'toString'],
  ['hasOwnProperty', 'hasOwnProperty'],
  ['id', 'id'],
  ['createdAt', 'createdAt'],
  ['email', 'email'],
  ['created_at DESC', 'created_at DESC'],
  ['orderBy injection', 'email; drop table admin_users'],
  ['orderBy subquery', '(select 1)'],
  ['orderBy with comma', 'email, (select pg_sleep(10))'],
  ['orderBy NULLS FIRST', 'email ASC NULLS FIRST'],
  ['orderBy collate', 'email COLLATE "C"'],
  ['table with prefix', 'admin_users'],
  ['table key', 'users'],
  ['unknown table', 'pg_shadow'],
  ['zero UUID', '00000000-0000-0000-0000-000000000000'],
  ['uppercase UUID', 'A0EEBC99-9C0B-4EF8-BB6D-6BB9BD380A11'],
  ['braced UUID', '{a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11}'],
  ['UUID without dashes', 'a0eebc999c0b4ef8bb6d6bb9bd380a11'],
  ['UUID with spaces', ' a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11 '],
  ['almost UUID', 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a1g'],
  ['UUID injection', "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11'; --"],
  ['email-like', 'a@b.co'],
  ['email uppercase', 'A@B.CO'],
  ['email without tld', 'x@y'],
  ['at sign', '@'],
  ['email with quote', "o'brien@example.com"],
  ['email with injection', "x@y.z'; drop table admin_users; --"],
  ['ISO date', '2024-01-01T00:00:00Z'],
  ['date only', '2024-01-01'],
  ['out-of-range date', '294277-01-01'],
  ['year zero', '0000-00-00'],
  ['path traversal', '../../etc/passwd'],
  ['URL', 'postgres://user:secret@host/db'],
  ['HTML', '<script>alert(1)</script>'],
  ['shell', '$(rm -rf /)'],
  ['1 KB of quotes', "'".repeat(1024)],
  ['64 KB of $1', '$1'.repeat(32 * 1024)],
  ['1 MB of NUL', '\u0000'.repeat(MB)],
  ['1 MB of emoji', '😀'.repeat(MB / 4)],
  ['10 MB string', 'x'.repeat(10 * MB)],
  ['10 MB of quotes', "'".repeat(10 * MB)],
];

const numbers: [string, number][] = [
  ['zero', 0],
  ['negative zero', -0],
  ['one', 1],
  ['minus one', -1],
  ['half', 0.5],
  ['minus half', -0.5],
  ['2^31', 2 ** 31],
  ['-2^31-1', -(2 ** 31) - 1],
  ['2^32', 2 ** 32],
  ['2^53', 2 ** 53],
  ['2^53+2', 2 ** 53 + 2],
  ['2^63', 2 ** 63],
  ['2^64', 2 ** 64],
  ['-2^63', -(2 ** 63)],
  ['MAX_SAFE_INTEGER', Number.MAX_SAFE_INTEGER],
  ['MIN_SAFE_INTEGER', Number.MIN_SAFE_INTEGER],
  ['MAX_VALUE', Number.MAX_VALUE],
  ['-MAX_VALUE', -Number.MAX_VALUE],
  ['MIN_VALUE', Number.MIN_VALUE],
  ['EPSILON', Number.EPSILON],
  ['1e300', 1e300],
  ['1e-300', 1e-300],
  ['NaN', NaN],
  ['Infinity', Infinity],
  ['-Infinity', -Infinity],
  ['8.64e15 (max Date ms)', 8.64e15],
];

function hostileObjects(): [string, unknown][] {
  const circular: Record<string, unknown> = { email: 'c@ircular.co' };
  circular.self = circular;
  const circularArray: unknown[] = [1];
  circularArray.push(circularArray);
  const { proxy: revoked, revoke } = Proxy.revocable({}, {});
  revoke();
  const wide: Record<string, number> = {};
  for (let i = 0; i < 100_000; i++) wide[`k${i}`] = i;
  const throwingGetter = Object.defineProperty({}, 'email', {
    enumerable: true,
    get() {
      throw new Error('getter threw');
    },
  });
  const throwingOps = { email: 'x@y.co', get like() { throw new Error('operator getter threw'); } };
  const bigKey: Record<string, number> = { ['k'.repeat(MB)]: 1 };
  return [
    ['undefined', undefined],
    ['null', null],
    ['true', true],
    ['false', false],
    ['empty object', {}],
    ['empty array', []],
    ['array of numbers', [1, 2, 3]],
    ['array with null', ['a', null]],
    ['array of arrays', [[1], [2]]],
    ['array of objects', [{}, { a: 1 }]],
    ['array of injections', ["'; drop table admin_users; --", '$1']],
    ['array with NUL', ['\u0000']],
    ['array of undefined', [undefined]],
    ['array with a function', [() => 1]],
    ['array with a symbol', [Symbol('s')]],
    ['array with a BigInt', [1n]],
    ['array of Dates', [new Date(0), new Date(NaN)]],
    ['100k numbers', Array.from({ length: 100_000 }, (_, i) => i)],
    ['sparse array of length 2^32-1', new Array(2 ** 32 - 1)],
    ['sparse array of length 10M', new Array(10_000_000)],
    ['function', function named() {}],
    ['arrow function', () => 1],
    ['async function', async () => 1],
    ['class', class Hostile {}],
    ['bound function', Math.max.bind(null)],
    ['Symbol', Symbol('hostile')],
    ['well-known Symbol', Symbol.iterator],
    ['BigInt 0', 0n],
    ['BigInt -1', -1n],
    ['BigInt 2^63-1', 2n ** 63n - 1n],
    ['BigInt 2^63', 2n ** 63n],
    ['BigInt 2^64', 2n ** 64n],
    ['BigInt -2^200', -(2n ** 200n)],
    ['Date epoch', new Date(0)],
    ['Invalid Date', new Date(NaN)],
    ['max Date', new Date(8.64e15)],
    ['min Date', new Date(-8.64e15)],
    ['Buffer', Buffer.from('abc')],
    ['empty Buffer', Buffer.alloc(0)],
    ['Buffer with NUL and invalid UTF-8', Buffer.from([0, 0xff, 0xfe, 0xc3])],
    ['1 MB Buffer', Buffer.alloc(MB, 0x41)],
    ['Uint8Array', new Uint8Array([1, 2, 3])],
    ['Float64Array', new Float64Array([NaN])],
    ['ArrayBuffer', new ArrayBuffer(8)],
    ['DataView', new DataView(new ArrayBuffer(4))],
    ['Map', new Map([['email', 'x@y.co']])],
    ['Set', new Set([1])],
    ['WeakMap', new WeakMap()],
    ['Promise', Promise.resolve('x@y.co')],
    ['Error', new Error('boom')],
    ['RegExp', /.*/],
    ['String object', new String('x@y.co')],
    ['Number object', new Number(5)],
    ['Boolean object', new Boolean(false)],
    ['Object.create(null)', Object.create(null)],
    ['empty Proxy', new Proxy({}, {})],
    ['Proxy throwing on every trap', new Proxy({}, {
      get() { throw new Error('proxy get'); },
      ownKeys() { throw new Error('proxy ownKeys'); },
      getOwnPropertyDescriptor() { throw new Error('proxy descriptor'); },
      has() { throw new Error('proxy has'); },
      getPrototypeOf() { throw new Error('proxy prototype'); },
    })],
    ['Proxy lying about its keys', new Proxy({}, { ownKeys: () => ['email', 'email'], getOwnPropertyDescriptor: () => ({ value: 1, enumerable: true, configurable: true }) })],
    ['revoked Proxy', revoked],
    ['getter that throws', throwingGetter],
    ['operator getter that throws', { email: throwingOps }],
    ['toJSON that throws', { toJSON() { throw new Error('toJSON threw'); } }],
    ['toJSON returning undefined', { toJSON: () => undefined }],
    ['toString/valueOf that throw', { toString() { throw new Error('toString'); }, valueOf() { throw new Error('valueOf'); } }],
    ['Symbol.toPrimitive that throws', { [Symbol.toPrimitive]() { throw new Error('toPrimitive'); } }],
    ['circular object', circular],
    ['circular array', circularArray],
    ['object with a BigInt', { email: 'x@y.co', name: 1n }],
    ['object with a function value', { email: 'x@y.co', name: () => 1 }],
    ['object with a symbol value', { email: 'x@y.co', name: Symbol('v') }],
    ['object with a symbol key', { [Symbol('k')]: 1 }],
    ['own __proto__ key (JSON.parse)', JSON.parse('{"__proto__": {"isAdmin": true}}')],
    ['own __proto__ beside data (JSON.parse)', JSON.parse('{"email": "p@roto.co", "__proto__": {"email": "x@y.co"}}')],
    ['constructor.prototype pollution (JSON.parse)', JSON.parse('{"constructor": {"prototype": {"polluted": true}}}')],
    ['prototype key', { prototype: { polluted: true } }],
    ['key with quotes', { 'a"b\'c': 1 }],
    ['key with NUL', { 'a\u0000b': 1 }],
    ['key injection', { 'email = email; drop table admin_users; --': 1 }],
    ['key of 1 MB', bigKey],
    ['snake and camel twice', { created_at: new Date(), createdAt: new Date() }],
    ['100k keys', wide],
    ['deep object (depth 10k)', deepObject(10_000)],
    ['deep array (depth 10k)', deepArray(10_000)],
    ['object deeper than JSON readers allow (depth 200)', deepObject(200)],
    ['operator object', { gte: 1 }],
    ['unknown operator', { $where: '1=1' }],
    ['operator with injection', { like: "%'; drop table admin_users; --" }],
    ['operator NaN', { gt: NaN }],
    ['operator with object', { eq: { nested: true } }],
    ['limit/offset object', { limit: -1, offset: NaN, orderBy: 'email; drop' }],
    ['options with huge limit', { limit: 2 ** 64, offset: 2 ** 63 }],
    ['globalThis', globalThis],
    ['process.versions', process.versions],
  ];
}

let cached: HostileInput[] | undefined;

/** The corpus (made once per process). */
export function hostileInputs(): HostileInput[] {
  cached ??= [
    ...strings.map(([label, value]) => ({ label: `string: ${label}`, value })),
    ...numbers.map(([label, value]) => ({ label: `number: ${label}`, value })),
    ...hostileObjects().map(([label, value]) => ({ label: `value: ${label}`, value })),
  ];
  return cached;
}

/** Whether a corpus value is a string N-API can hand over as is (no lone surrogates). */
export function isWellFormedString(v: unknown): v is string {
  return typeof v === 'string' && !/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/.test(v);
}
