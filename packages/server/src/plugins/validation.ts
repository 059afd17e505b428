import AjvModule, { type ErrorObject, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import type { FastifyInstance, SafePromiseLike } from 'fastify';
import { createRequire } from 'node:module';
import { parse as parseQueryString } from 'node:querystring';
import { invalidRequest, type ErrorDetails } from '../errors.ts';
import type { RequestCpuPool } from '../cpu/request-cpu-pool.ts';

const requireFromHere = createRequire(import.meta.url);

const Ajv = AjvModule.default ?? AjvModule;
const addFormats = addFormatsModule.default ?? addFormatsModule;

/**
 * Exported so that schema tests compile request schemas exactly as the server does.
 * `standalone`: keep the generated code, for `standaloneCode` (a request worker compiles, the
 * event loop only evaluates the result; see `installValidation`).
 */
export function newAjv(forParameters: boolean, options: { standalone?: boolean } = {}) {
  // Bodies are strict: a string where a number belongs is a client bug, reported as 400.
  // Query strings and path parameters only carry text, so those are coerced.
  // `discriminator`: unions tagged by `type` (`oneOf` + `discriminator`) validate only the
  // variant the tag names, so an error points inside it (`input.entities[1].chain_ids[0]`)
  // instead of listing every variant's complaints.
  const ajv = new Ajv({
    coerceTypes: forParameters ? 'array' : false,
    useDefaults: forParameters,
    removeAdditional: false,
    allErrors: false,
    strict: false,
    discriminator: true,
    code: { source: options.standalone === true },
  });
  addFormats(ajv);
  return ajv;
}

/** `/input/entities/1/chain_ids/0` → `input.entities[1].chain_ids[0]` (spec/API.md §3.1). */
export function inputPath(instancePath: string, child?: string): string {
  const segments = instancePath.split('/').slice(1);
  if (child !== undefined) segments.push(child);
  let path = '';
  for (const raw of segments) {
    const segment = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    path += /^\d+$/.test(segment) ? `[${segment}]` : path ? `.${segment}` : segment;
  }
  return path;
}

function describe(error: ErrorObject): [string, string] {
  const params = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case 'required':
      return [inputPath(error.instancePath, String(params.missingProperty)), 'is required'];
    case 'additionalProperties':
      return [inputPath(error.instancePath, String(params.additionalProperty)), 'is not a recognised field'];
    case 'const':
      return [inputPath(error.instancePath), `must be ${JSON.stringify(params.allowedValue)}`];
    case 'enum':
      return [inputPath(error.instancePath), `must be one of ${(params.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')}`];
    // Limits in words a client can act on, e.g. `input.molecules must contain at most 128 items` (spec/API.md §3.1).
    case 'maxItems':
      return [inputPath(error.instancePath), `must contain at most ${params.limit} items`];
    case 'minItems':
      return [inputPath(error.instancePath), `must contain at least ${params.limit} ${params.limit === 1 ? 'item' : 'items'}`];
    case 'maxLength':
      return [inputPath(error.instancePath), `must be at most ${params.limit} characters long`];
    case 'minLength':
      return [inputPath(error.instancePath), params.limit === 1 ? 'must not be empty' : `must be at least ${params.limit} characters long`];
    case 'maximum':
      return [inputPath(error.instancePath), `must be at most ${params.limit}`];
    case 'minimum':
      return [inputPath(error.instancePath), `must be at least ${params.limit}`];
    case 'exclusiveMinimum':
      return [inputPath(error.instancePath), `must be greater than ${params.limit}`];
    case 'minProperties':
      return [inputPath(error.instancePath), `must have at least ${params.limit} ${params.limit === 1 ? 'entry' : 'entries'}`];
    default:
      return [inputPath(error.instancePath), error.message ?? 'is invalid'];
  }
}

export function validationFailure(errors: ErrorObject[], part: string) {
  // A union of literals (`mode: "live" | "test"`) fails as one `const` error per branch: name
  // every allowed value, not just the first.
  const allowedByPath = new Map<string, unknown[]>();
  for (const error of errors) {
    if (error.keyword !== 'const') continue;
    const allowed = allowedByPath.get(error.instancePath) ?? [];
    allowed.push((error.params as { allowedValue: unknown }).allowedValue);
    allowedByPath.set(error.instancePath, allowed);
  }
  const details: ErrorDetails = {};
  for (const error of errors) {
    const [path, described] = describe(error);
    const allowed = allowedByPath.get(error.instancePath);
    const message =
      allowed && allowed.length > 1 && (error.keyword === 'const' || error.keyword === 'anyOf')
        ? `must be one of ${allowed.map((value) => JSON.stringify(value)).join(', ')}`
        : described;
    details[path || part] ??= message;
  }
  const [firstPath, firstMessage] = Object.entries(details)[0];
  return invalidRequest(`${firstPath} ${firstMessage}`, details);
}

/**
 * Query strings: `key=` means absent, and `key[]` is the same parameter as `key` (the SDKs
 * percent-encode the brackets; spec/API.md §1.1).
 */
export function parseQuery(text: string): Record<string, string | string[]> {
  const parsed = parseQueryString(text);
  const out: Record<string, string | string[]> = {};
  for (const [rawKey, value] of Object.entries(parsed)) {
    const key = rawKey.endsWith('[]') ? rawKey.slice(0, -2) : rawKey;
    const values = (Array.isArray(value) ? value : [value]).filter((v): v is string => v !== undefined && v !== '');
    if (values.length === 0) continue;
    const previous = out[key];
    const merged = previous === undefined ? values : [...(Array.isArray(previous) ? previous : [previous]), ...values];
    out[key] = merged.length === 1 ? merged[0] : merged;
  }
  return out;
}

/** Turns the CommonJS module `standaloneCode` writes into its validation function. */
function evaluateStandalone(code: string): ValidateFunction {
  const module = { exports: {} as { default?: ValidateFunction } };
  // The code is Ajv's output for our own route schemas, compiled in a request worker; it
  // requires only Ajv's runtime helpers and ajv-formats.
  new Function('require', 'module', 'exports', code)(requireFromHere, module, module.exports);
  return module.exports.default!;
}

interface PendingSchema {
  schema: unknown;
  forParameters: boolean;
  size: number;
  install(validate: ValidateFunction): void;
  /** Settles once the worker's compile is installed, or has failed (then the event loop compiles at first use). */
  compiled?: Promise<void>;
}

/**
 * Route schemas compile in the request worker pool once the server is ready, largest first:
 * compiling one on the event loop froze it for up to 400 ms (the protein design start body, a
 * 150 KB schema), which every client then waits out. The worker returns Ajv's standalone code
 * and the event loop only evaluates it. A request that arrives before its route's schema is
 * compiled awaits the worker (an async validator, which Fastify supports); should the worker
 * fail, the schema compiles where it is needed, as a last resort.
 */
export function installValidation(app: FastifyInstance, workers: Pick<RequestCpuPool, 'compileValidator'>): void {
  const ajvFor = { body: newAjv(false), parameters: newAjv(true) };
  const pending: PendingSchema[] = [];
  app.setValidatorCompiler(({ schema, httpPart }) => {
    const forParameters = httpPart !== 'body';
    const ajv = forParameters ? ajvFor.parameters : ajvFor.body;
    let validate: ValidateFunction | undefined;
    const entry: PendingSchema = { schema, forParameters, size: JSON.stringify(schema).length, install: (compiled) => void (validate ??= compiled) };
    pending.push(entry);
    const run = (data: unknown, context?: Parameters<ValidateFunction>[1]) => {
      validate ??= ajv.compile(schema);
      return { valid: validate(data, context) as boolean, errors: validate.errors };
    };
    // `schemaEnv` tells Fastify that this is an Ajv function, which it hands the request as
    // the parent of the validated value (so Ajv may replace it when it coerces or defaults).
    const validator = Object.assign(
      (data: unknown, context?: Parameters<ValidateFunction>[1]) => {
        if (!validate && entry.compiled) {
          // Errors travel in the rejection, not on `validator.errors`, which another request may reset meanwhile.
          return entry.compiled.then(() => {
            const { valid, errors } = run(data, context);
            if (valid) return true as const;
            throw Object.assign(validationFailure(errors as ErrorObject[], httpPart ?? 'body'), { validation: errors });
          }) as unknown as SafePromiseLike<true>;
        }
        const { valid, errors } = run(data, context);
        validator.errors = errors;
        return valid;
      },
      { schemaEnv: true, errors: undefined as ValidateFunction['errors'] },
    );
    return validator;
  });
  app.setSchemaErrorFormatter((errors, dataVar) => validationFailure(errors as ErrorObject[], dataVar));
  let closing = false;
  app.addHook('onClose', (_instance, done) => {
    closing = true;
    done();
  });
  app.addHook('onReady', (done) => {
    // One at a time: the pool's queue is short, and requests' own checks share it.
    let chain = Promise.resolve();
    for (const entry of pending.splice(0).sort((a, b) => b.size - a.size)) {
      entry.compiled = chain = chain.then(async () => {
        if (closing) return;
        try {
          entry.install(evaluateStandalone(await workers.compileValidator(entry.schema, entry.forParameters)));
        } catch (error) {
          app.log.warn({ err: error }, 'a route schema could not be compiled in a request worker: it compiles on the event loop at first use');
        }
      });
    }
    done();
  });
}
