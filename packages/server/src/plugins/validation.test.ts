import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import Fastify from 'fastify';
import { Type } from 'typebox';
import { RequestCpuPool } from '../cpu/request-cpu-pool.ts';
import { installErrorHandler } from './error-handler.ts';
import { installValidation } from './validation.ts';

const Body = Type.Object({ name: Type.String({ minLength: 1 }), count: Type.Integer({ minimum: 1 }) }, { additionalProperties: false });
const Query = Type.Object({ limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, default: 10 })) });

/** A route with a body and a query schema, validated by `installValidation` with the given workers. */
async function appWith(workers: Parameters<typeof installValidation>[1]) {
  const app = Fastify({ logger: false });
  installValidation(app, workers);
  installErrorHandler(app);
  app.post('/things', { schema: { body: Body, querystring: Query } }, async (request) => ({ body: request.body, query: request.query }));
  await app.ready();
  return app;
}

const post = (app: Awaited<ReturnType<typeof appWith>>, body: unknown, query = '') =>
  app.inject({ method: 'POST', url: `/things${query}`, payload: body as object });

/** Compiles hand out by `release()`, to hold requests while their schemas are "in the worker". */
function heldWorkers(real: RequestCpuPool) {
  const held: Array<() => void> = [];
  return {
    held,
    compileValidator: (schema: unknown, forParameters: boolean) =>
      new Promise<string>((resolve, reject) => held.push(() => real.compileValidator(schema, forParameters).then(resolve, reject))),
    release: () => held.splice(0).forEach((go) => go()),
  };
}

describe('installValidation', () => {
  const pool = new RequestCpuPool({ threads: 1, taskTimeoutMs: 30_000, taskMemoryMb: 256 });
  after(() => pool.close());

  it('validates with code compiled in a request worker: defaults, coercion and path-named errors', async () => {
    let fromWorker = 0;
    const app = await appWith({ compileValidator: async (schema, forParameters) => {
        const code = await pool.compileValidator(schema, forParameters);
        fromWorker += 1;
        return code;
      },
    });
    try {
      const ok = await post(app, { name: 'a', count: 2 }, '?limit=5');
      assert.equal(fromWorker, 2, 'the body and the query string schema');
      assert.equal(ok.statusCode, 200);
      assert.deepEqual(ok.json(), { body: { name: 'a', count: 2 }, query: { limit: 5 } });
      assert.deepEqual((await post(app, { name: 'a', count: 2 })).json().query, { limit: 10 }, 'the default applies');
      const bad = await post(app, { name: '', count: 2 });
      assert.equal(bad.statusCode, 400);
      assert.deepEqual(bad.json().details, { name: 'must not be empty' });
      assert.deepEqual((await post(app, { name: 'a', count: 2 }, '?limit=500')).json().details, { limit: 'must be at most 100' });
    } finally {
      await app.close();
    }
  });

  it('holds requests that arrive before their schema is compiled, without compiling on the event loop', async () => {
    const workers = heldWorkers(pool);
    const app = await appWith(workers);
    try {
      let answered = 0;
      const early = [post(app, { name: 'a', count: 1 }), post(app, { name: 'a', count: 0 }), post(app, { name: 'a', count: 1, extra: true })].map((p) => p.finally(() => answered++));
      await new Promise((resolve) => setTimeout(resolve, 50));
      assert.equal(answered, 0, 'still waiting for the worker');
      assert.ok(workers.held.length > 0);
      workers.release();
      // Compiles run one after another: release each as it is asked for.
      const releasing = setInterval(() => workers.release(), 5);
      const [ok, tooFew, extra] = await Promise.all(early);
      clearInterval(releasing);
      assert.equal(ok.statusCode, 200);
      assert.equal(tooFew.statusCode, 400);
      assert.deepEqual(tooFew.json().details, { count: 'must be at least 1' });
      assert.equal(extra.statusCode, 400);
      assert.deepEqual(extra.json().details, { extra: 'is not a recognised field' });
    } finally {
      await app.close();
    }
  });

  it('compiles where needed when the worker cannot', async () => {
    const app = await appWith({ compileValidator: async () => Promise.reject(new Error('every request worker is busy')) });
    try {
      assert.equal((await post(app, { name: 'a', count: 1 })).statusCode, 200);
      assert.deepEqual((await post(app, { name: 'a' })).json().details, { count: 'is required' });
    } finally {
      await app.close();
    }
  });
});
