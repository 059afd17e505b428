// The client side of nginx.test.ts, run as a process of its own with NODE_EXTRA_CA_CERTS set
// to the test's self-signed certificate (Node 20 reads trusted certificates only at start-up).
// Argument: JSON {baseURL, adminKey, user: {email, password}}. Prints one JSON object of findings.
import Boltz from 'boltz-api';
import type { TestServer } from './harness.ts';
import { deviceSignIn, newCliHome, runCli } from '../../cli/test/oauth-cli.ts';
import { STRUCTURE_INPUT, download, fileObjects, waitUntilDone } from './predictions.ts';

const { baseURL, adminKey, user } = JSON.parse(process.argv[2]) as { baseURL: string; adminKey: string; user: { email: string; password: string } };
// A client writing its own X-Forwarded-For entry: the server must not believe it (TRUST_PROXY=1).
const client = new Boltz({ apiKey: adminKey, baseURL, maxRetries: 0, logLevel: 'off', defaultHeaders: { 'x-forwarded-for': '10.9.9.9' } });

const me = await client.auth.me();
const workspace = await client.admin.workspaces.create({ name: 'Through nginx' });
const started = await client.predictions.structureAndBinding.start({ model: 'boltz-2.1', input: STRUCTURE_INPUT });
const done = await waitUntilDone(client, 'structureAndBinding', started.id, {}, 120_000);
const files = fileObjects(done.output);
const downloads = await Promise.all(files.map(async (file) => ({ url: file.url, status: (await download(file.url)).status })));

const home = newCliHome({ baseURL } as TestServer);
const login = await deviceSignIn({ baseURL } as TestServer, home, user);
const status = await runCli(['auth', 'status', '--format', 'json'], { env: home.env });

process.stdout.write(
  `${JSON.stringify({
    me,
    workspaceId: workspace.id,
    jobStatus: done.status,
    downloads,
    login: { code: login.code, stdout: login.stdout, stderr: login.stderr },
    status: { code: status.code, stdout: status.stdout, stderr: status.stderr },
  })}\n`,
);
