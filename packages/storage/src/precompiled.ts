import type { Compilable, CompiledQuery, Kysely } from 'kysely';

/**
 * A hot point lookup built and compiled once, then run with fresh parameters. Kysely otherwise
 * builds and compiles the query on every call, which on SQLite costs more than the lookup
 * itself (12 µs against 7 µs per workspace lookup measured in a loop; `npm run bench`,
 * GET /admin/workspaces/{id}: 61 → 43 µs of server CPU per request).
 * `build` must use each argument exactly once, as a value, in argument order: the compiled
 * parameters are then the arguments.
 */
export function precompiled<DB, Row, Args extends unknown[]>(
  db: Kysely<DB>,
  build: (...args: Args) => Compilable<Row>,
  ...placeholders: Args
): (...args: Args) => Promise<Row | undefined> {
  const compiled: CompiledQuery<Row> = build(...placeholders).compile();
  if (compiled.parameters.length !== placeholders.length) {
    throw new Error(`precompiled query uses ${compiled.parameters.length} parameters for ${placeholders.length} arguments`);
  }
  return async (...args) => (await db.executeQuery<Row>({ ...compiled, parameters: args })).rows[0];
}
