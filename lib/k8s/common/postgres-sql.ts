/**
 * Quoting for SQL the platform generates for PostgreSQL (the pgvector bootstrap, the model
 * registry's databases). Every name is quoted as an identifier and every string as a literal,
 * so a name can hold any character PostgreSQL allows in a quoted identifier (quotes,
 * semicolons, `$`) without changing the statements. Scripts that use it set
 * `standard_conforming_strings = on`.
 */

/** Longest PostgreSQL identifier in bytes (NAMEDATALEN - 1); longer names are silently truncated by the server. */
export const MAX_IDENTIFIER_BYTES = 63;

/** Why `name` cannot be a PostgreSQL identifier (quoted), or undefined. */
export function identifierProblem(name: string): string | undefined {
  if (typeof name !== 'string' || name.length === 0) return 'empty';
  if (name.includes('\u0000')) return 'contains a NUL character';
  // Not a PostgreSQL rule: a control character in a table name is always a mistake.
  if (/[\u0001-\u001f\u007f]/.test(name)) return 'contains a control character';
  const bytes = Buffer.byteLength(name, 'utf8');
  if (bytes > MAX_IDENTIFIER_BYTES) return `${bytes} bytes long; PostgreSQL truncates identifiers to ${MAX_IDENTIFIER_BYTES} bytes`;
  return undefined;
}

/** `name` as a quoted identifier: `"` doubled inside double quotes. */
export function quoteIdentifier(name: string): string {
  const problem = identifierProblem(name);
  if (problem) throw new Error(`internal: identifier ${JSON.stringify(name)} ${problem}`);
  return `"${name.replace(/"/g, '""')}"`;
}

/** `value` as a string literal: `'` doubled (the script sets standard_conforming_strings, so `\` is literal). */
export function quoteLiteral(value: string): string {
  if (value.includes('\u0000')) throw new Error('internal: a literal cannot hold a NUL character');
  return `'${value.replace(/'/g, "''")}'`;
}

/** `body` dollar-quoted with a tag that does not occur in it. */
export function dollarQuote(body: string): string {
  let tag = '$cnai$';
  for (let i = 1; body.includes(tag); i++) tag = `$cnai_${i}$`;
  return `${tag}\n${body}\n${tag}`;
}
