import { type Command, Option } from 'commander';
import { openStorage } from '@boltz/storage';
import { loadConfig } from '../config.ts';
import { type AuditCommandOptions, listAudit } from './audit-command.ts';
import { BackupError, backup, describeBackup, restore } from './backup.ts';
import { renderChecks, runDoctor } from './doctor.ts';

/** The operator's commands: doctor, backup, restore, audit (docs/operations.md). */
export function addOperationsCommands(program: Command): void {
  program
    .command('doctor')
    .description('Check the database, data folder, public URL, engines, MSA setting and clock; exit 1 if any check fails')
    .action(async () => {
      const checks = await runDoctor(loadConfig());
      process.stdout.write(renderChecks(checks));
      process.exitCode = checks.some((check) => check.verdict === 'fail') ? 1 : 0;
    });
  program
    .command('backup')
    .description('Copy the database (SQLite: online, safe while the server runs) and the data folder (results, secrets) into a new folder')
    .argument('<dir>', 'a new or empty folder outside the data folder')
    .action(async (dir: string) => {
      const manifest = await reportBackupErrors(() => backup(loadConfig(), dir));
      if (manifest) process.stdout.write(describeBackup(manifest, dir));
    });
  program
    .command('restore')
    .description('Restore a backup into the configured (empty) data folder and database; stop the server first')
    .argument('<dir>', 'a folder made by `boltz-server backup`')
    .option('--force', 'overwrite an existing data folder and database')
    .action(async (dir: string, options: { force?: boolean }) => {
      const manifest = await reportBackupErrors(() => restore(loadConfig(), dir, options));
      if (manifest) {
        process.stdout.write(`Restored the backup of ${manifest.created_at} into ${loadConfig().dataDir}.\n`);
        if (manifest.database === 'postgres') process.stdout.write('Restore the database with pg_restore (docs/operations.md) before starting the server.\n');
      }
    });
  program
    .command('audit')
    .description('Show the audit log of administrative actions and sign-ins, newest first')
    .option('--since <time>', 'from this time (ISO, or 30m, 24h, 7d ago)')
    .option('--until <time>', 'before this time')
    .option('--action <action>', 'one action (workspace.create), or all starting with a prefix ending in a dot (user.)')
    .option('--actor <actor>', 'key id, user email or id, or host account')
    .option('--organization <id>', 'organization id')
    .addOption(new Option('--outcome <outcome>', 'outcome').choices(['succeeded', 'denied', 'rejected', 'failed']))
    .option('--limit <n>', 'at most this many events', '100')
    .option('--json', 'one JSON array instead of a table')
    .action(async (options: AuditCommandOptions) => {
      const storage = openStorage({ url: loadConfig().databaseUrl });
      try {
        await storage.migrate();
        process.stdout.write(await listAudit(storage, options));
      } finally {
        await storage.close();
      }
    });
}

async function reportBackupErrors<T>(work: () => Promise<T>): Promise<T | undefined> {
  try {
    return await work();
  } catch (error) {
    if (!(error instanceof BackupError)) throw error;
    process.stderr.write(`boltz-server: ${error.message}\n`);
    process.exitCode = 1;
    return undefined;
  }
}
