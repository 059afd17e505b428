import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, it } from 'node:test';
import { type TestServer, startTestServer } from '../../server/test/harness.ts';
import { CLI_BIN, LocalServer, runCli } from './cli-process.ts';

/**
 * A pass-through proxy in front of the real server: JSON bodies have the server's origin rewritten
 * to the proxy's (so presigned archive URLs come through it too), file downloads can be throttled
 * or replaced, and every file request's Range header is recorded.
 */
class FileProxy extends LocalServer {
  throttle = false;
  replacement: Buffer | undefined;
  readonly fileRequests: Array<{ range: string | undefined; status: number }> = [];

  constructor(private readonly upstream: string) {
    super();
  }

  protected async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const headers = Object.fromEntries(Object.entries(request.headers).filter(([name]) => name !== 'host' && name !== 'connection')) as Record<string, string>;
    const isFile = request.url!.startsWith('/compute/v1/files/');
    if (isFile && this.replacement) {
      this.fileRequests.push({ range: headers.range, status: 200 });
      response.writeHead(200, { 'content-type': 'application/gzip', 'content-length': this.replacement.length });
      response.end(this.replacement);
      return;
    }
    const upstream = await fetch(this.upstream + request.url, { method: request.method, headers, body: chunks.length > 0 ? Buffer.concat(chunks) : undefined });
    const body = Buffer.from(await upstream.arrayBuffer());
    const outHeaders: Record<string, string> = {};
    upstream.headers.forEach((value, name) => {
      if (!['content-length', 'content-encoding', 'transfer-encoding', 'connection'].includes(name)) outHeaders[name] = value;
    });
    if (isFile) {
      this.fileRequests.push({ range: headers.range, status: upstream.status });
      response.writeHead(upstream.status, { ...outHeaders, 'content-length': String(body.length) });
      // Throttled: 256 bytes every 50 ms, so that a test can kill the client mid-download.
      for (let offset = 0; offset < body.length; offset += 256) {
        if (response.destroyed) return;
        response.write(body.subarray(offset, offset + 256));
        if (this.throttle) await sleep(50);
      }
      response.end();
      return;
    }
    const text = body.toString('utf8').replaceAll(this.upstream, this.origin);
    response.writeHead(upstream.status, { ...outHeaders, 'content-length': String(Buffer.byteLength(text)) });
    response.end(text);
  }
}

function filesUnder(dir: string, prefix = ''): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? filesUnder(join(dir, entry.name), `${prefix}${entry.name}/`) : [`${prefix}${entry.name}`],
  );
}

describe('boltz-api download-results: interrupted downloads and unsafe archives', () => {
  let server: TestServer;
  let proxy: FileProxy;
  let env: Record<string, string>;
  let cwd: string;
  let predictionId: string;

  before(async () => {
    server = await startTestServer();
    proxy = new FileProxy(server.baseURL);
    await proxy.start();
    env = { BOLTZ_BASE_URL: proxy.origin, BOLTZ_API_KEY: server.testAdminKey };
    cwd = mkdtempSync(join(tmpdir(), 'boltz-cli-resume-'));
    const client = server.client(server.testAdminKey);
    const prediction = await client.predictions.structureAndBinding.start({
      model: 'boltz-2.1',
      input: { entities: [{ type: 'protein', chain_ids: ['A', 'B'], value: 'MKTAYIAKQRQISFVKSHFSRQLEERLGLIEVQAPILSRVGDGTQDNLSGAEKAVQVKVKALPDAQFEVVHSLAKWKRQTLGQHDFSAGEGLYTHMKALRPDEDRLSPLHSVYVDQWDWERVMGDGERQFSTLKSTVEAIWAGIKATEAAVSEEFGLAPFLPDQIHFVHSQELLSRYPDLDAKGRERAIAKDLGAVFLVGIGGKLSDGHRHDVRAPDYDDWSTPSELGHAGLNGDILVWNPVLEDAFELSSMGIRVDADTLKHQLALTGDEDRLELEWHQALLRGEMPQTIGGGIGQSRLTMLLLQLPHIGQVQAGVWPAACRESVPALL' }], num_samples: 5 },
    });
    predictionId = prediction.id;
    for (let i = 0; i < 200; i++) {
      const current = await client.predictions.structureAndBinding.retrieve(predictionId);
      if (current.status === 'succeeded') break;
      await sleep(100);
    }
  });
  after(async () => {
    await proxy.close();
    await server.close();
  });

  it('a download killed halfway resumes with an HTTP Range request and ends byte-identical', async () => {
    const runDir = join(cwd, 'killed');
    proxy.throttle = true;
    const child = spawn(process.execPath, [CLI_BIN, 'download-results', '--id', predictionId, '--run-dir', runDir, '--poll-interval-seconds', '0'], {
      cwd,
      env: { ...process.env, ...env },
      stdio: 'ignore',
    });
    const partial = join(runDir, 'outputs', 'archive.tar.gz.part');
    for (let i = 0; i < 600 && !(existsSync(partial) && statSync(partial).size > 0); i++) await sleep(20);
    child.kill('SIGKILL');
    await once(child, 'close');
    const partialSize = statSync(partial).size;
    assert.ok(partialSize > 0, 'the first process wrote part of the archive');

    const status = await runCli(['download-status', '--run-dir', runDir], { cwd });
    assert.equal(JSON.parse(status.stdout).phase, 'materializing_outputs');
    assert.equal(JSON.parse(status.stdout).pending_kind, 'prediction_archive');

    // Another tool (the official CLI) may have written keys we do not know: they must survive.
    const checkpointFile = join(runDir, '.boltz-run.json');
    writeFileSync(checkpointFile, JSON.stringify({ ...JSON.parse(readFileSync(checkpointFile, 'utf8')), written_by_other_tool: { keep: true } }, null, 2));

    proxy.throttle = false;
    const resumed = await runCli(['download-results', '--run-dir', runDir], { env, cwd });
    assert.equal(resumed.code, 0, resumed.stderr);
    assert.equal(resumed.stdout, `${runDir}\n`);
    const lastRequest = proxy.fileRequests[proxy.fileRequests.length - 1];
    assert.deepEqual(lastRequest, { range: `bytes=${partialSize}-`, status: 206 }, 'the rerun asked only for the missing bytes');

    // Compare with a fresh, uninterrupted download of the same archive.
    const prediction = await server.client(server.testAdminKey).predictions.structureAndBinding.retrieve(predictionId);
    const expected = Buffer.from(await (await fetch(prediction.output!.archive!.url)).arrayBuffer());
    assert.ok(expected.length > partialSize, 'the kill happened before the end of the archive');
    assert.ok(readFileSync(join(runDir, 'outputs', 'archive.tar.gz')).equals(expected), 'archive byte-identical');
    assert.equal(existsSync(partial), false);
    assert.deepEqual(JSON.parse(readFileSync(checkpointFile, 'utf8')).written_by_other_tool, { keep: true });

    const reference = join(cwd, 'reference');
    const clean = await runCli(['download-results', '--id', predictionId, '--run-dir', reference], { env, cwd });
    assert.equal(clean.code, 0, clean.stderr);
    const files = filesUnder(join(reference, 'outputs', 'files'));
    assert.ok(files.includes('prediction/metrics.json'));
    assert.deepEqual(filesUnder(join(runDir, 'outputs', 'files')), files);
    for (const file of files) {
      assert.ok(readFileSync(join(runDir, 'outputs', 'files', file)).equals(readFileSync(join(reference, 'outputs', 'files', file))), file);
    }
    assert.equal(JSON.parse((await runCli(['download-status', '--run-dir', runDir], { cwd })).stdout).phase, 'ready');
  });

  it('archives with entries escaping the directory or symbolic links are refused, nothing extracted', async () => {
    const build = join(cwd, 'evil');
    mkdirSync(join(build, 'inside'), { recursive: true });
    writeFileSync(join(build, 'inside', 'ok.txt'), 'fine');
    symlinkSync('/etc/passwd', join(build, 'inside', 'link'));
    const escaping = spawnSync('tar', ['-czf', '-', '-C', build, '--transform', 's,^inside/ok,../escaped,', '-P', 'inside/ok.txt']);
    const linking = spawnSync('tar', ['-czf', '-', '-C', build, 'inside/ok.txt', 'inside/link']);
    assert.equal(escaping.status, 0, escaping.stderr.toString());
    assert.equal(linking.status, 0, linking.stderr.toString());

    const cases: Array<[Buffer, RegExp]> = [
      [escaping.stdout, /Refusing to extract .*archive\.tar\.gz: "\.\.\/escaped\.txt" escapes the extraction directory/],
      [linking.stdout, /Refusing to extract .*archive\.tar\.gz: "inside\/link" is a SymbolicLink, not a regular file/],
    ];
    for (const [index, [archive, message]] of cases.entries()) {
      proxy.replacement = archive;
      const runDir = join(cwd, `unsafe-${index}`);
      const result = await runCli(['download-results', '--id', predictionId, '--run-dir', runDir], { env, cwd });
      assert.equal(result.code, 1);
      assert.equal(result.stdout, '');
      assert.match(result.stderr, message);
      assert.equal(existsSync(join(runDir, 'outputs', 'files')), false);
      assert.equal(existsSync(join(runDir, 'outputs', 'escaped.txt')), false);
      assert.equal(existsSync(join(cwd, 'escaped.txt')), false);
    }
    proxy.replacement = undefined;
  });
});
