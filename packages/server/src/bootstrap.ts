import { ID_PREFIXES, type Mode, displayPrefix, generateApiKey, hashApiKey, newId, parseApiKey } from '@boltz/shared';
import type { Storage } from '@boltz/storage';
import { ConfigError, type ServerConfig } from './config.ts';

export interface AdminKeyCreated {
  key: string;
  id: string;
  mode: Mode;
  organizationId: string;
}

function checkBootstrapKey(variable: string, key: string | undefined, mode: Mode): string | undefined {
  if (key === undefined) return undefined;
  const parsed = parseApiKey(key);
  if (!parsed || parsed.keyType !== 'admin' || parsed.mode !== mode) {
    throw new ConfigError(`${variable} must be an sk_bc_admin_${mode}_ key followed by 32–128 letters and digits`);
  }
  return key;
}

/** Admin keys are issued outside the API: at first start, or by `boltz-server admin-key create`. */
export async function createAdminKey(
  storage: Storage,
  options: { organizationId?: string; mode: Mode; name?: string; key?: string },
): Promise<AdminKeyCreated> {
  const organization = options.organizationId
    ? await storage.organizations.findById(options.organizationId)
    : await storage.organizations.findFirst();
  if (!organization) {
    throw new ConfigError(options.organizationId ? `Organization ${options.organizationId} not found` : 'No organization exists yet: start the server once first');
  }
  const key = options.key ?? generateApiKey('admin', options.mode);
  const id = newId(ID_PREFIXES.apiKey);
  await storage.apiKeys.insert({
    id,
    organization_id: organization.id,
    workspace_id: null,
    name: options.name ?? `Admin key (${options.mode})`,
    key_type: 'admin',
    mode: options.mode,
    key_prefix: displayPrefix(key),
    key_hash: hashApiKey(key).toString('hex'),
    allowed_ips: '[]',
    created_at: new Date().toISOString(),
    expires_at: null,
    revoked_at: null,
    last_used_at: null,
  });
  return { key, id, mode: options.mode, organizationId: organization.id };
}

/** An organization and its default workspace (spec/API.md §5.1: exactly one, created with it). */
export async function createOrganization(storage: Storage, name: string): Promise<{ organizationId: string; defaultWorkspaceId: string }> {
  const now = new Date().toISOString();
  const organizationId = newId(ID_PREFIXES.organization);
  const defaultWorkspaceId = newId(ID_PREFIXES.workspace);
  await storage.organizations.insertWithDefaultWorkspace(
    { id: organizationId, name, created_at: now },
    {
      id: defaultWorkspaceId,
      organization_id: organizationId,
      name: 'Default',
      name_lower: 'default',
      is_default: 1,
      retention_unit: 'days',
      retention_value: 7,
      created_at: now,
      updated_at: now,
      archived_at: null,
    },
  );
  return { organizationId, defaultWorkspaceId };
}

/**
 * First start with an empty database: the organization, its default workspace and one live
 * and one test admin key. Returns the keys so the caller can show them once; undefined when
 * the database was already set up.
 */
export async function bootstrapIfEmpty(storage: Storage, config: ServerConfig): Promise<AdminKeyCreated[] | undefined> {
  const liveKey = checkBootstrapKey('BOLTZ_BOOTSTRAP_ADMIN_KEY', config.bootstrap.adminKey, 'live');
  const testKey = checkBootstrapKey('BOLTZ_BOOTSTRAP_TEST_ADMIN_KEY', config.bootstrap.testAdminKey, 'test');
  if ((await storage.organizations.count()) > 0) return undefined;

  const { organizationId } = await createOrganization(storage, config.bootstrap.organizationName);
  return [
    await createAdminKey(storage, { organizationId, mode: 'live', key: liveKey }),
    await createAdminKey(storage, { organizationId, mode: 'test', key: testKey }),
  ];
}

export function formatKeyAnnouncement(keys: AdminKeyCreated[], generated: boolean): string {
  const lines = [
    '',
    '  Boltz compute API: first start, organization created.',
    ...keys.map((k) => `  ${k.mode === 'live' ? 'Live admin key:' : 'Test admin key:'} ${k.key}`),
    generated ? '  These keys are shown only once. Store them now (e.g. export BOLTZ_API_KEY=…).' : '  (registered from the BOLTZ_BOOTSTRAP_* variables)',
    '  Lost them? Mint a new one on this host: npx boltz-server admin-key create --mode live',
    '',
  ];
  return lines.join('\n');
}
