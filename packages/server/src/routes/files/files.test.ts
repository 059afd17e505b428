import assert from 'node:assert/strict';
import { type Server, createServer, request as httpRequest } from 'node:http';
import { once } from 'node:events';
import { after, before, describe, it } from 'node:test';
import { APIError } from 'boltz-api';
import { type TestServer, snapshotDatabase, startTestServer } from '../../../test/harness.ts';
import { STRUCTURE_INPUT, allJobsFinished, download, fileObjects, newWorkspace, waitUntilDone, workspaceKey } from '../../../test/predictions.ts';

const CRAMBIN = 'TTCCPSIVARSNFNVCRLPGTPEAICATYTGCIIIPGATCPGDYAN';
const A3M = `>query\n${CRAMBIN}\n>homolog_1\nTTCCPSIVARSNFNVCRLPGTSEAICATYTGCIIIPGATCPGDYAN\n`;
const TEMPLATE_CIF = 'data_template\n_entry.id template\n_struct_asym.id A\n';
const base64 = (text: string | Buffer) => Buffer.from(text).toString('base64');

function inputWith(msaSource: unknown, template?: unknown) {
  return {
    entities: [{ type: 'protein' as const, chain_ids: ['A'], value: CRAMBIN, msa: { type: 'custom' as const, format: 'a3m' as const, source: msaSource as any } }],
    ...(template ? { templates: [{ template_structure: template as any, template_chains: [{ input_chain_id: 'A', template_chain_id: 'A' }] }] } : {}),
  };
}

function rejectsWith(status: number, path?: string) {
  return (error: unknown) => {
    assert.ok(error instanceof APIError, String(error));
    assert.equal(error.status, status, JSON.stringify(error.error));
    if (path) assert.ok(path in ((error.error as { details?: object }).details ?? {}), JSON.stringify(error.error));
    return true;
  };
}

/** A little web server on loopback, standing in for a lab's file server. */
async function fileServer(): Promise<{ server: Server; url: string; fetches: { count: number; concurrent: number; maxConcurrent: number } }> {
  const fetches = { count: 0, concurrent: 0, maxConcurrent: 0 };
  const server = createServer((request, response) => {
    // `/msa/<sequence>.a3m`: that sequence's single-sequence A3M, answered after 50 ms.
    const sequence = /^\/msa\/([A-Z]+)\.a3m$/.exec(request.url ?? '')?.[1];
    if (sequence) {
      fetches.count++;
      fetches.maxConcurrent = Math.max(fetches.maxConcurrent, ++fetches.concurrent);
      setTimeout(() => {
        fetches.concurrent--;
        response.end(`>query\n${sequence}\n`);
      }, 50);
      return;
    }
    if (request.url === '/msa.a3m') return void response.end(A3M);
    if (request.url === '/moved.a3m') return void response.writeHead(302, { location: '/msa.a3m' }).end();
    if (request.url === '/big.a3m') return void response.end(`>query\n${'A'.repeat(5000)}\n`);
    response.writeHead(404).end('not here');
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address() as { port: number };
  return { server, url: `http://127.0.0.1:${address.port}`, fetches };
}

describe('files: presigned downloads and file inputs', () => {
  let server: TestServer;
  let key: string;
  let lab: Awaited<ReturnType<typeof fileServer>>;

  before(async () => {
    server = await startTestServer({ BOLTZ_TEST_TIMING: 'instant' });
    key = await workspaceKey(server, await newWorkspace(server, 'Files'), 'test');
    lab = await fileServer();
  });
  after(async () => {
    lab.server.close();
    await server.close();
  });

  it('serves byte ranges (206) and refuses unsatisfiable ones (416)', async () => {
    const client = server.client(key);
    const job = await waitUntilDone(client, 'structureAndBinding', (await client.predictions.structureAndBinding.start({ model: 'boltz-2.1', input: STRUCTURE_INPUT })).id);
    const url = job.output.best_sample.structure.url;
    const whole = await download(url);
    assert.equal(whole.status, 200);
    assert.equal(whole.headers.get('accept-ranges'), 'bytes');
    assert.equal(whole.headers.get('content-type'), 'chemical/x-cif');

    const head = await download(url, { range: 'bytes=0-9' });
    assert.equal(head.status, 206);
    assert.equal(head.headers.get('content-range'), `bytes 0-9/${whole.bytes.length}`);
    assert.deepEqual(head.bytes, whole.bytes.subarray(0, 10));
    const tail = await download(url, { range: 'bytes=-5' });
    assert.equal(tail.status, 206);
    assert.deepEqual(tail.bytes, whole.bytes.subarray(whole.bytes.length - 5));
    const from = await download(url, { range: `bytes=${whole.bytes.length - 3}-` });
    assert.deepEqual(from.bytes, whole.bytes.subarray(whole.bytes.length - 3));
    const beyond = await download(url, { range: `bytes=${whole.bytes.length}-` });
    assert.equal(beyond.status, 416);
    assert.equal(beyond.headers.get('content-range'), `bytes */${whole.bytes.length}`);
  });

  it('refuses tampered URLs with 403: signature, expiry, file name and file id are all signed', async () => {
    const client = server.client(key);
    const job = await waitUntilDone(client, 'structureAndBinding', (await client.predictions.structureAndBinding.start({ model: 'boltz-2.1', input: STRUCTURE_INPUT })).id);
    const url = new URL(job.output.archive.url);
    const signature = url.searchParams.get('signature')!;
    const expires = Number(url.searchParams.get('expires'));
    const variants = {
      signature: (u: URL) => u.searchParams.set('signature', `${signature[0] === 'A' ? 'B' : 'A'}${signature.slice(1)}`),
      'later expiry': (u: URL) => u.searchParams.set('expires', String(expires + 3600)),
      'other filename': (u: URL) => (u.pathname = u.pathname.replace('archive.tar.gz', 'archive.tgz')),
      'no signature': (u: URL) => u.searchParams.delete('signature'),
      'other file': (u: URL) => (u.pathname = u.pathname.replace(/file_[0-9A-Za-z]+/, 'file_0000000000000000000')),
    };
    for (const [name, change] of Object.entries(variants)) {
      const tampered = new URL(url);
      change(tampered);
      const response = await fetch(tampered);
      assert.equal(response.status, 403, name);
      assert.equal((await response.json()).code, 'forbidden', name);
    }
    assert.equal((await download(url.toString())).status, 200, 'the untouched URL still works');
  });

  it('refuses expired URLs with 403', async () => {
    const shortLived = await startTestServer({ BOLTZ_TEST_TIMING: 'instant', BOLTZ_FILE_URL_TTL_SECONDS: '1' });
    try {
      const client = shortLived.client(shortLived.testAdminKey);
      const job = await waitUntilDone(client, 'structureAndBinding', (await client.predictions.structureAndBinding.start({ model: 'boltz-2.1', input: STRUCTURE_INPUT })).id);
      const { url, url_expires_at } = job.output.archive;
      await new Promise((resolve) => setTimeout(resolve, Date.parse(url_expires_at) - Date.now() + 1100));
      const response = await download(url);
      assert.equal(response.status, 403);
      // A fresh read mints a fresh URL.
      const again = await client.predictions.structureAndBinding.retrieve(job.id);
      assert.equal((await download(again.output!.archive!.url)).status, 200);
    } finally {
      await shortLived.close();
    }
  });

  it('stores base64 inputs and echoes them as downloadable file objects', async () => {
    const client = server.client(key);
    const input = inputWith({ type: 'base64', data: base64(A3M), media_type: 'text/x-a3m' }, { type: 'base64', data: base64(TEMPLATE_CIF), media_type: 'chemical/x-cif' });
    const started = await client.predictions.structureAndBinding.start({ model: 'boltz-2.1', input });
    const echoed = started.input as any;
    assert.deepEqual(Object.keys(echoed.entities[0].msa.source).sort(), ['url', 'url_expires_at']);
    assert.deepEqual(Object.keys(echoed.templates[0].template_structure).sort(), ['url', 'url_expires_at']);
    assert.equal(echoed.entities[0].msa.format, 'a3m');
    const msa = await download(echoed.entities[0].msa.source.url);
    assert.equal(msa.bytes.toString(), A3M);
    assert.equal(msa.headers.get('content-type'), 'text/x-a3m');
    assert.equal((await download(echoed.templates[0].template_structure.url)).bytes.toString(), TEMPLATE_CIF);

    const done = await waitUntilDone(client, 'structureAndBinding', started.id);
    assert.equal(done.status, 'succeeded', JSON.stringify(done.error));
    assert.equal(fileObjects(done.input).length, 2);
  });

  it('refuses inputs whose content does not match their media type, creating nothing', async () => {
    const client = server.client(key);
    await allJobsFinished(server);
    const before = await snapshotDatabase(server.storage);
    const png = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0]);
    await assert.rejects(
      client.predictions.structureAndBinding.start({ model: 'boltz-2.1', input: inputWith({ type: 'base64', data: base64(png), media_type: 'text/x-a3m' }) }),
      rejectsWith(422, 'input.entities[0].msa'),
    );
    const pdb = 'ATOM      1  N   THR A   1      17.047  14.099   3.625  1.00 13.79           N\n';
    await assert.rejects(
      client.predictions.structureAndBinding.start({
        model: 'boltz-2.1',
        input: inputWith({ type: 'base64', data: base64(A3M), media_type: 'text/x-a3m' }, { type: 'base64', data: base64(pdb), media_type: 'chemical/x-cif' }),
      }),
      rejectsWith(422, 'input.templates[0].template_structure'),
    );
    assert.equal(await snapshotDatabase(server.storage), before);
  });

  it('never fetches URL inputs from loopback or private addresses by default', async () => {
    const client = server.client(key);
    await allJobsFinished(server);
    const before = await snapshotDatabase(server.storage);
    const port = new URL(lab.url).port;
    for (const url of [`${lab.url}/msa.a3m`, `http://localhost:${port}/msa.a3m`, `http://[::1]:${port}/msa.a3m`, 'http://169.254.169.254/latest/meta-data']) {
      await assert.rejects(
        client.predictions.structureAndBinding.start({ model: 'boltz-2.1', input: inputWith({ type: 'url', url }) }),
        rejectsWith(422, 'input.entities[0].msa'),
        url,
      );
    }
    assert.equal(await snapshotDatabase(server.storage), before);
  });

  it('fetches URL inputs when the deployment allows private addresses: redirects, 404s and the size cap', async () => {
    const permissive = await startTestServer({ BOLTZ_TEST_TIMING: 'instant', BOLTZ_ALLOW_PRIVATE_URLS: 'true', BOLTZ_INPUT_FILE_MAX_BYTES: '2000' });
    try {
      const client = permissive.client(permissive.testAdminKey);
      for (const path of ['/msa.a3m', '/moved.a3m']) {
        const started = await client.predictions.structureAndBinding.start({ model: 'boltz-2.1', input: inputWith({ type: 'url', url: `${lab.url}${path}` }) });
        const source = (started.input as any).entities[0].msa.source;
        assert.equal((await download(source.url)).bytes.toString(), A3M, path);
        assert.equal((await waitUntilDone(client, 'structureAndBinding', started.id)).status, 'succeeded');
      }
      for (const [path, message] of [
        ['/missing.a3m', /HTTP 404/],
        ['/big.a3m', /larger than 2000 bytes/],
      ] as const) {
        await assert.rejects(client.predictions.structureAndBinding.start({ model: 'boltz-2.1', input: inputWith({ type: 'url', url: `${lab.url}${path}` }) }), (error) => {
          rejectsWith(422, 'input.entities[0].msa')(error);
          assert.match((error as any).error.details['input.entities[0].msa'], message);
          return true;
        });
      }
    } finally {
      await permissive.close();
    }
  });

  it('limits what one job makes the server fetch: URL inputs per job, bytes per job, four fetches at a time', async () => {
    const sequences = Array.from({ length: 7 }, (_, i) => CRAMBIN.slice(0, 40 + i));
    const a3mBytes = sequences.slice(0, 6).map((sequence) => `>query\n${sequence}\n`.length);
    const limited = await startTestServer({
      BOLTZ_TEST_TIMING: 'instant',
      BOLTZ_ALLOW_PRIVATE_URLS: 'true',
      BOLTZ_INPUT_URLS_MAX: '6',
      BOLTZ_INPUT_FETCH_TOTAL_MAX_BYTES: String(a3mBytes.reduce((sum, n) => sum + n, 0)),
    });
    const inputOf = (count: number) => ({
      entities: sequences.slice(0, count).map((value, i) => ({
        type: 'protein' as const,
        chain_ids: [String.fromCharCode(65 + i)],
        value,
        msa: { type: 'custom' as const, format: 'a3m' as const, source: { type: 'url' as const, url: `${lab.url}/msa/${value}.a3m` } },
      })),
    });
    try {
      const client = limited.client(limited.testAdminKey);
      const before = { ...lab.fetches };
      // One URL input over the limit: refused before anything is fetched.
      await assert.rejects(client.predictions.structureAndBinding.start({ model: 'boltz-2.1', input: inputOf(7) }), (error) => {
        rejectsWith(422, 'input.entities[6].msa')(error);
        assert.match((error as any).error.details['input.entities[6].msa'], /at most 6 URL inputs/);
        return true;
      });
      assert.equal(lab.fetches.count, before.count);
      // Six fit, fetched at most four at a time, and their bytes exactly fill the job's budget.
      lab.fetches.maxConcurrent = 0;
      const started = await client.predictions.structureAndBinding.start({ model: 'boltz-2.1', input: inputOf(6) });
      assert.equal(lab.fetches.count, before.count + 6);
      assert.equal(lab.fetches.maxConcurrent, 4);
      assert.equal((await waitUntilDone(client, 'structureAndBinding', started.id)).status, 'succeeded');
    } finally {
      await limited.close();
    }
    // One byte less for the job: the fetch that crosses it fails the start.
    const tight = await startTestServer({
      BOLTZ_ALLOW_PRIVATE_URLS: 'true',
      BOLTZ_INPUT_FETCH_TOTAL_MAX_BYTES: String(a3mBytes.reduce((sum, n) => sum + n, 0) - 1),
    });
    try {
      const empty = await snapshotDatabase(tight.storage);
      await assert.rejects(tight.client(tight.testAdminKey).predictions.structureAndBinding.start({ model: 'boltz-2.1', input: inputOf(6) }), (error) => {
        rejectsWith(422)(error);
        assert.match(JSON.stringify((error as any).error.details), /URL inputs together exceed \d+ bytes/);
        return true;
      });
      assert.equal(await snapshotDatabase(tight.storage), empty);
    } finally {
      await tight.close();
    }
  });

  it("points presigned URLs at the server's own origin, never at a Host header the client wrote", async () => {
    const client = server.client(key);
    const started = await client.predictions.structureAndBinding.start({ model: 'boltz-2.1', input: STRUCTURE_INPUT });
    await waitUntilDone(client, 'structureAndBinding', started.id);
    // fetch() cannot send a Host header of its own choosing; node:http can.
    const forged = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const request = httpRequest(`${server.baseURL}/compute/v1/predictions/structure-and-binding/${started.id}`, {
        headers: { 'x-api-key': key, host: 'attacker.example', 'x-forwarded-host': 'attacker.example', 'x-forwarded-proto': 'https' },
      });
      request.on('response', async (response) => {
        let body = '';
        for await (const chunk of response) body += chunk;
        resolve({ status: response.statusCode ?? 0, body });
      });
      request.on('error', reject);
      request.end();
    });
    assert.equal(forged.status, 200, forged.body);
    const urls = fileObjects(JSON.parse(forged.body).output).map((file) => new URL(file.url).origin);
    assert.ok(urls.length > 0);
    for (const origin of urls) assert.equal(origin, server.baseURL);
  });
});

