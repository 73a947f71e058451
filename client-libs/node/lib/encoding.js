'use strict';
// Byte-exact encoding of header and record lines (client-libs/spec/FORMAT.md §4-§7).
// Hand-written instead of JSON.stringify because the format fixes the escapes
// (\u000a, not \n) and the truncation rules, and all four libraries must agree.

const LEVELS = Object.freeze(['TRACE', 'DEBUG', 'INFO', 'WARN', 'ERROR', 'FATAL']);
const LEVEL_SET = new Set(LEVELS);

const MAX_LINE_BYTES = 16384;
const MAX_EXC_TYPE_BYTES = 256;
const MAX_EXC_MESSAGE_BYTES = 1024;
const MAX_EXC_STACK_BYTES = 8192;
const MAX_FIELD_VALUE_BYTES = 1024;
const MAX_FIELDS_BYTES = 4096;

const NEEDS_ESCAPE = /["\\\u0000-\u001f]/g;

function escapeChar(ch) {
  if (ch === '"') return '\\"';
  if (ch === '\\') return '\\\\';
  return '\\u' + ch.charCodeAt(0).toString(16).padStart(4, '0');
}

/** Encoded content of a JSON string, without quotes (a JS string; UTF-8 is applied on output). */
function escape(text) {
  const clean = text.isWellFormed() ? text : text.toWellFormed(); // lone surrogates -> U+FFFD
  return clean.replace(NEEDS_ESCAPE, escapeChar);
}

function charSize(cp) {
  if (cp === 0x22 || cp === 0x5c) return 2;
  if (cp < 0x20) return 6;
  if (cp < 0x80) return 1;
  if (cp < 0x800) return 2;
  if (cp < 0x10000) return 3;
  return 4;
}

/** [encoded content of at most `limit` UTF-8 bytes, whether it was cut]. */
function cut(text, limit) {
  const encoded = escape(text);
  if (Buffer.byteLength(encoded, 'utf8') <= limit) return [encoded, false];
  const clean = text.toWellFormed();
  let size = 0;
  let end = 0;
  for (const ch of clean) { // iterates code points
    size += charSize(ch.codePointAt(0));
    if (size > limit) break;
    end += ch.length;
  }
  return [escape(clean.slice(0, end)), true];
}

function quoted(content) {
  return '"' + content + '"';
}

/** UTC with milliseconds; ts is whole epoch milliseconds. */
function formatTs(tsMs) {
  return new Date(tsMs).toISOString();
}

/** [encoded value, whether its string content was cut]. Numbers: ECMAScript Number::toString is the format's rule. */
function encodeValue(value) {
  if (value === null || value === undefined) return ['null', false];
  switch (typeof value) {
    case 'boolean': return [value ? 'true' : 'false', false];
    case 'bigint': return [value.toString(), false];
    case 'number': return [Number.isFinite(value) ? String(value) : quoted(String(value)), false];
    default: {
      const [content, wasCut] = cut(typeof value === 'string' ? value : String(value), MAX_FIELD_VALUE_BYTES);
      return [quoted(content), wasCut];
    }
  }
}

function entriesOf(fields) {
  return fields instanceof Map ? fields.entries() : Object.entries(fields);
}

/** [encoded object or null, whether anything was cut or left out]. */
function encodeFields(fields) {
  let truncated = false;
  const members = [];
  let size = 2; // the braces
  for (const [key, value] of entriesOf(fields)) {
    const [encoded, wasCut] = encodeValue(value);
    truncated = truncated || wasCut;
    const member = quoted(escape(String(key))) + ':' + encoded;
    const extra = Buffer.byteLength(member, 'utf8') + (members.length ? 1 : 0);
    if (size + extra > MAX_FIELDS_BYTES) {
      truncated = true;
      break;
    }
    members.push(member);
    size += extra;
  }
  return [members.length ? '{' + members.join(',') + '}' : null, truncated];
}

function encodeExc(exc) {
  const [type, t1] = cut(String(exc.type), MAX_EXC_TYPE_BYTES);
  const [message, t2] = cut(String(exc.message), MAX_EXC_MESSAGE_BYTES);
  const [stack, t3] = cut(String(exc.stack), MAX_EXC_STACK_BYTES);
  return ['{"type":' + quoted(type) + ',"message":' + quoted(message) + ',"stack":' + quoted(stack) + '}', t1 || t2 || t3];
}

function checkLevel(level) {
  if (!LEVEL_SET.has(level)) {
    throw new RangeError(`invalid dvic_log level ${JSON.stringify(level)}: expected one of ${LEVELS.join(', ')}`);
  }
  return level;
}

function isEmpty(fields) {
  if (fields === null || fields === undefined) return true;
  if (fields instanceof Map) return fields.size === 0;
  for (const _ in fields) return false; // eslint-disable-line no-unused-vars
  return true;
}

/** One record line with its newline, as a Buffer. exc: {type, message, stack} or null. */
function encodeRecord(tsMs, level, msg, fields, exc) {
  checkLevel(level);
  let tail = '';
  let truncated = false;
  if (!isEmpty(fields)) {
    const [encoded, wasCut] = encodeFields(fields);
    truncated = wasCut;
    if (encoded !== null) tail += ',"fields":' + encoded;
  }
  if (exc) {
    const [encoded, wasCut] = encodeExc(exc);
    truncated = truncated || wasCut;
    tail += ',"exc":' + encoded;
  }
  const head = '{"ts":"' + formatTs(tsMs) + '","level":"' + level + '","msg":"';
  const rest = '"' + tail;
  let mark = truncated ? ',"truncated":true' : '';
  let line = head + escape(msg) + rest + mark + '}';
  if (Buffer.byteLength(line, 'utf8') > MAX_LINE_BYTES) {
    mark = ',"truncated":true';
    const budget = MAX_LINE_BYTES - Buffer.byteLength(head + rest + mark + '}', 'utf8');
    line = head + cut(msg, budget)[0] + rest + mark + '}';
  }
  return Buffer.from(line + '\n', 'utf8');
}

/** The header line; info holds the header keys in order (FORMAT.md §2). */
function encodeHeader(info) {
  const parts = [];
  for (const [key, value] of Object.entries(info)) {
    let encoded;
    if (Array.isArray(value)) encoded = '[' + value.map((item) => quoted(escape(item))).join(',') + ']';
    else if (typeof value === 'string') encoded = quoted(escape(value));
    else encoded = encodeValue(value)[0];
    parts.push(quoted(key) + ':' + encoded);
  }
  return Buffer.from('{' + parts.join(',') + '}\n', 'utf8');
}

module.exports = { LEVELS, MAX_LINE_BYTES, checkLevel, encodeRecord, encodeHeader, formatTs };
