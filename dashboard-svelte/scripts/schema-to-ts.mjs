// Converts the subset of JSON Schema (draft 2020-12) and OpenAPI 3 schema objects our contracts use
// into TypeScript declarations. Deterministic output: the staleness test compares it byte for byte.
// Anything outside the subset fails loudly instead of degrading to `any`.

/** @param {string} s */
export function pascal(s) {
  return s
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((p) => p[0].toUpperCase() + p.slice(1))
    .join('');
}

const IDENT = /^[A-Za-z_$][A-Za-z0-9_$]*$/;
const key = (k) => (IDENT.test(k) ? k : JSON.stringify(k));

/**
 * @param {any} schema
 * @param {{ref?: (ref: string) => string, indent?: string, where?: string}} ctx
 * @returns {string}
 */
export function toTs(schema, ctx = {}) {
  const indent = ctx.indent ?? '';
  const where = ctx.where ?? '#';
  if (schema === true || schema === undefined || (schema && Object.keys(schema).length === 0)) return 'unknown';
  if (schema.$ref) {
    if (!ctx.ref) throw new Error(`${where}: $ref without a resolver`);
    return ctx.ref(schema.$ref);
  }
  if ('const' in schema) return JSON.stringify(schema.const);
  if (schema.enum) return schema.enum.map((e) => JSON.stringify(e)).join(' | ');
  for (const comb of ['oneOf', 'anyOf']) {
    if (schema[comb]) return schema[comb].map((s, i) => wrap(toTs(s, { ...ctx, where: `${where}/${comb}/${i}` }))).join(' | ');
  }
  if (schema.allOf) return schema.allOf.map((s, i) => wrap(toTs(s, { ...ctx, where: `${where}/allOf/${i}` }))).join(' & ');
  let types = schema.type;
  if (types === undefined && schema.properties) types = 'object';
  if (types === undefined) throw new Error(`${where}: schema without type: ${JSON.stringify(schema)}`);
  const list = Array.isArray(types) ? types : [types];
  let out = list.map((t) => one(t, schema, { ...ctx, indent, where })).join(' | ');
  if (schema.nullable === true && !list.includes('null')) out += ' | null'; // OpenAPI 3.0 style
  return out;
}

const wrap = (t) => (/[|&]/.test(t) && !/^\{[\s\S]*\}$/.test(t) ? `(${t})` : t);

function one(t, schema, ctx) {
  switch (t) {
    case 'string':
      return 'string';
    case 'integer':
    case 'number':
      return 'number';
    case 'boolean':
      return 'boolean';
    case 'null':
      return 'null';
    case 'array':
      return `${wrap(toTs(schema.items ?? {}, { ...ctx, where: `${ctx.where}/items` }))}[]`;
    case 'object':
      return objectType(schema, ctx);
    default:
      throw new Error(`${ctx.where}: unsupported type ${t}`);
  }
}

function objectType(schema, ctx) {
  const inner = ctx.indent + '  ';
  const req = new Set(schema.required ?? []);
  const lines = [];
  for (const [name, prop] of Object.entries(schema.properties ?? {})) {
    const doc = prop && prop.description ? `${inner}/** ${String(prop.description).replace(/\*\//g, '* /')} */\n` : '';
    const fmt = prop && prop.format ? ` // ${prop.format}` : '';
    lines.push(`${doc}${inner}${key(name)}${req.has(name) ? '' : '?'}: ${toTs(prop, { ...ctx, indent: inner, where: `${ctx.where}/properties/${name}` })};${fmt}`);
  }
  const ap = schema.additionalProperties;
  if (ap && ap !== false) {
    lines.push(`${inner}[key: string]: ${toTs(ap === true ? {} : ap, { ...ctx, indent: inner, where: `${ctx.where}/additionalProperties` })};`);
  }
  if (lines.length === 0) return ap === false ? 'Record<string, never>' : 'Record<string, unknown>';
  return `{\n${lines.join('\n')}\n${ctx.indent}}`;
}
