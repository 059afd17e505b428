import { Command, Option } from 'commander';
import type { Mode } from '@boltz/shared';
import { openStorage } from '@boltz/storage';
import { buildApp } from './app.ts';
import { auditedHostAction } from './audit.ts';
import { startupBanner } from './banner.ts';
import { addOperationsCommands } from './operations/commands.ts';
import { bootstrapIfEmpty, createAdminKey, formatKeyAnnouncement } from './bootstrap.ts';
import { ConfigError, checkServingConfig, loadConfig } from './config.ts';
import { runWorker } from './worker.ts';
import {
  bootstrapAdminUser,
  createUser,
  deleteUser,
  generatePassword,
  listUsers,
  removeMembership,
  resetPassword,
  setMembership,
  setUserDisabled,
} from './user-administration.ts';

async function serve(): Promise<void> {
  const config = loadConfig();
  checkServingConfig(config);
  const storage = openStorage({ url: config.databaseUrl });
  await storage.migrate();
  const created = await bootstrapIfEmpty(storage, config);
  if (created) {
    const generated = !config.bootstrap.adminKey && !config.bootstrap.testAdminKey;
    process.stdout.write(`${formatKeyAnnouncement(created, generated)}\n`);
    const admin = await bootstrapAdminUser(storage, {
      organizationId: created[0].organizationId,
      email: config.bootstrap.adminEmail,
      password: config.bootstrap.adminPassword,
    });
    if (admin?.generated) process.stdout.write(`  Administrator sign-in: ${admin.email} / ${admin.password} (shown once)\n\n`);
  }

  const { app, services } = await buildApp({ config, storage });
  let closing = false;
  const shutdown = async (signal: string) => {
    if (closing) return;
    closing = true;
    app.log.info({ signal }, 'shutting down: draining in-flight requests');
    const force = setTimeout(() => process.exit(1), 10_000);
    force.unref();
    // A keep-alive connection whose request was in flight becomes idle once it is answered:
    // close it then, not after the 5 s keep-alive timeout that would otherwise delay the exit.
    const closeIdle = setInterval(() => app.server.closeIdleConnections(), 50);
    closeIdle.unref();
    try {
      await app.close();
      await storage.close();
      process.stdout.write(`boltz-server stopped cleanly (${signal}): requests answered, running jobs handed back to the queue.\n`);
    } finally {
      process.exit(0);
    }
  };
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));
  await app.listen({ host: config.host, port: config.port });
  process.stdout.write(startupBanner(config, services.engines, services.publicUrl()));
}

async function migrate(): Promise<void> {
  const config = loadConfig();
  const storage = openStorage({ url: config.databaseUrl });
  const applied = await storage.migrate();
  process.stdout.write(applied.length ? `Applied: ${applied.join(', ')}\n` : 'Database is up to date.\n');
  await storage.close();
}

async function mintAdminKey(options: { mode: Mode; name?: string; organization?: string }): Promise<void> {
  const config = loadConfig();
  const storage = openStorage({ url: config.databaseUrl });
  await storage.migrate();
  try {
    const created = await auditedHostAction(storage, 'api_key.create', options.name ?? null, () =>
      createAdminKey(storage, { mode: options.mode, name: options.name, organizationId: options.organization }),
    );
    process.stderr.write(`Created ${created.mode} admin key ${created.id} for organization ${created.organizationId}. It is shown only once:\n`);
    process.stdout.write(`${created.key}\n`);
  } finally {
    await storage.close();
  }
}

const program = new Command('boltz-server')
  .description('The Boltz compute API server. Configuration comes from environment variables (see README).')
  .showHelpAfterError();
program.command('serve', { isDefault: true }).description('Migrate the database, bootstrap it on first start, and serve the API').action(serve);
program.command('migrate').description('Apply pending database migrations and exit').action(migrate);
program.command('worker').description('Run job runners and the retention sweeper only (no HTTP API)').action(runWorker);
program
  .command('admin-key')
  .description('Manage admin API keys from the server host')
  .command('create')
  .description('Mint a new admin key (recovery when keys are lost) and print it once')
  .addOption(new Option('--mode <mode>', 'key mode').choices(['live', 'test']).default('live'))
  .option('--name <name>', 'key name')
  .option('--organization <id>', 'organization id (default: the first organization)')
  .action(mintAdminKey);

/** Runs a host command against the database; `audit`: it is an administrative action (audit.ts). */
async function withStorage<T>(work: (storage: ReturnType<typeof openStorage>) => Promise<T>, audit?: { action: string; target: string }): Promise<T> {
  const storage = openStorage({ url: loadConfig().databaseUrl });
  await storage.migrate();
  try {
    return audit ? await auditedHostAction(storage, audit.action, audit.target, () => work(storage)) : await work(storage);
  } finally {
    await storage.close();
  }
}

const role = () => new Option('--role <role>', 'role in the organization').choices(['admin', 'member']).default('member');
const users = program.command('user').description('Manage user accounts (people who sign in with `boltz-api auth login`)');
users
  .command('create')
  .description('Create a user and add them to an organization; prints a generated password once if none is given')
  .requiredOption('--email <email>', 'sign-in email')
  .option('--password <password>', 'password (at least 12 characters); generated when omitted')
  .option('--name <name>', 'display name')
  .option('--organization <id>', 'organization id (default: the first organization)')
  .addOption(role())
  .action((options: { email: string; password?: string; name?: string; organization?: string; role: 'admin' | 'member' }) =>
    withStorage(async (storage) => {
      const password = options.password ?? generatePassword();
      const user = await createUser(storage, { email: options.email, password, name: options.name, organizationId: options.organization, role: options.role });
      process.stderr.write(`Created user ${user.id} (${user.email}) as ${options.role} of ${user.active_organization_id}.\n`);
      if (!options.password) process.stdout.write(`${password}\n`);
    }, { action: 'user.create', target: options.email }),
  );
users
  .command('reset-password')
  .description("Set a new password and end the user's sign-ins; prints a generated password once if none is given")
  .requiredOption('--email <email>', 'sign-in email')
  .option('--password <password>', 'new password (at least 12 characters); generated when omitted')
  .action((options: { email: string; password?: string }) =>
    withStorage(async (storage) => {
      const password = options.password ?? generatePassword();
      await resetPassword(storage, options.email, password);
      process.stderr.write(`Password of ${options.email} changed; their sign-ins have ended.\n`);
      if (!options.password) process.stdout.write(`${password}\n`);
    }, { action: 'user.reset_password', target: options.email }),
  );
users
  .command('set-role')
  .alias('add-to-org')
  .description('Add a user to an organization, or change their role in it')
  .requiredOption('--email <email>', 'sign-in email')
  .option('--organization <id>', 'organization id (default: the first organization)')
  .addOption(role())
  .action((options: { email: string; organization?: string; role: 'admin' | 'member' }) =>
    withStorage(async (storage) => {
      const organizationId = await setMembership(storage, options.email, options.organization, options.role);
      process.stderr.write(`${options.email} is now ${options.role} of ${organizationId}.\n`);
    }, { action: 'user.set_role', target: options.email }),
  );

users
  .command('list')
  .description('List user accounts with their status and memberships')
  .option('--json', 'one JSON array instead of a table')
  .action((options: { json?: boolean }) =>
    withStorage(async (storage) => {
      const list = await listUsers(storage);
      if (options.json) {
        const shown = list.map(({ password_hash: _hash, ...user }) => user);
        process.stdout.write(`${JSON.stringify(shown, null, 2)}\n`);
        return;
      }
      const rows = list.map((user) => [
        user.email,
        user.id,
        user.disabled_at ? `disabled ${user.disabled_at}` : 'active',
        user.memberships.map((m) => `${m.organization_id}:${m.compute_role}`).join(' ') || '—',
      ]);
      const header = ['EMAIL', 'ID', 'STATUS', 'MEMBERSHIPS'];
      const widths = header.map((title, i) => Math.max(title.length, ...rows.map((row) => row[i].length)));
      for (const row of [header, ...rows]) process.stdout.write(`${row.map((cell, i) => cell.padEnd(widths[i])).join('  ').trimEnd()}\n`);
    }),
  );
for (const [name, disabled] of [['disable', true], ['enable', false]] as const) {
  users
    .command(name)
    .description(disabled ? 'Stop a user from signing in; their sign-ins end at once' : 'Let a disabled user sign in again')
    .requiredOption('--email <email>', 'sign-in email')
    .action((options: { email: string }) =>
      withStorage(
        async (storage) => {
          await setUserDisabled(storage, options.email, disabled);
          process.stderr.write(`${options.email} is ${disabled ? 'disabled; their sign-ins have ended' : 'enabled'}.\n`);
        },
        { action: `user.${name}`, target: options.email },
      ),
    );
}
users
  .command('delete')
  .description('Delete a user account, its memberships and sign-ins (jobs and keys stay with their workspaces)')
  .requiredOption('--email <email>', 'sign-in email')
  .action((options: { email: string }) =>
    withStorage(async (storage) => {
      const user = await deleteUser(storage, options.email);
      process.stderr.write(`Deleted user ${user.id} (${user.email}).\n`);
    }, { action: 'user.delete', target: options.email }),
  );
users
  .command('remove-from-org')
  .description("Remove a user from an organization; their sign-ins end at once")
  .requiredOption('--email <email>', 'sign-in email')
  .option('--organization <id>', 'organization id (default: the first organization)')
  .action((options: { email: string; organization?: string }) =>
    withStorage(async (storage) => {
      const organizationId = await removeMembership(storage, options.email, options.organization);
      process.stderr.write(`${options.email} is no longer a member of ${organizationId}; their sign-ins have ended.\n`);
    }, { action: 'user.remove_from_org', target: options.email }),
  );

addOperationsCommands(program);

program.parseAsync().catch((error: unknown) => {
  if (error instanceof ConfigError) {
    process.stderr.write(`boltz-server: ${error.message}\n`);
    process.exit(2);
  }
  process.stderr.write(`boltz-server: ${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
