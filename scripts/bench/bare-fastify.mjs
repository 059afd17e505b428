// The baseline of `npm run bench` (issue 11): one bare Fastify 5 route in a process of its own,
// answering the JSON that `/healthz` answers, with Fastify's defaults and no logger. Ratios to
// it say what this server's framework set-up, hooks and authentication cost.
import Fastify from 'fastify';

const app = Fastify({ logger: false });
app.get('/', async () => ({ status: 'ok' }));
await app.listen({ host: '127.0.0.1', port: 0 });
process.stdout.write(`${app.server.address().port}\n`);
