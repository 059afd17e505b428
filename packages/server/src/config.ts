import { availableParallelism } from 'node:os';
import { join, resolve } from 'node:path';
import type { RequestCpuLimits } from './cpu/request-cpu-pool.ts';
import { parsePriceTable, PriceTableError, type PriceTable } from './billing/prices.ts';
import { type JobsConfig, loadJobsConfig } from './jobs/config.ts';

/** Every setting comes from the environment (README "Configuration"); defaults suit local use. */
export interface ServerConfig {
  host: string;
  port: number;
  dataDir: string;
  databaseUrl: string;
  logLevel: string;
  /** Proxies whose `X-Forwarded-For` entries are believed: none, a hop count, or their addresses/CIDRs. */
  trustProxy: false | number | string[];
  rateLimit: { max: number; windowSeconds: number };
  keyCacheTtlMs: number;
  lastUsedFlushMs: number;
  /** Request body limits in bytes: routes that take inline files get the larger one. */
  bodyLimits: BodyLimits;
  requestCpu: RequestCpuLimits;
  /** Public origin of the server, the OAuth issuer (`BOLTZ_PUBLIC_URL`); default: the listen address. */
  publicUrl?: string;
  /** Failed sign-ins per client address and email (and ten times as many per address) in the window. */
  signInAttempts: { max: number; windowSeconds: number };
  /** User codes one client address may enter on the device page in the sign-in window. */
  deviceCodeAttempts: { max: number; windowSeconds: number };
  /** Milli-USD per billed unit (spec/ENGINE.md §9), `BOLTZ_PRICE_TABLE` overriding the defaults. */
  prices: PriceTable;
  jobs: JobsConfig;
  bootstrap: { adminKey?: string; testAdminKey?: string; organizationName: string; adminEmail?: string; adminPassword?: string };
  /** Undefined: the served CLI package's version, and `npm install -g` of its URL (routes/cli/package.ts). */
  cliVersion: { latest?: string; minimumSupported: string; message: string | null; installMacosLinux?: string; installWindows?: string };
}

export interface BodyLimits {
  /** BOLTZ_MAX_BODY_BYTES: every route that takes no inline files. */
  default: number;
  /** BOLTZ_MAX_FILE_BODY_BYTES: routes whose body may carry base64 files (spec/API.md §7.6). */
  inlineFiles: number;
}

export class ConfigError extends Error {}

export function integer(env: NodeJS.ProcessEnv, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new ConfigError(`${name} must be an integer between ${min} and ${max} (got "${raw}")`);
  }
  return value;
}

/**
 * `X-Forwarded-For` is read right to left, through trusted hops only: the right-most entries
 * were written by our proxies, anything left of them by whoever sent the request. `true` means
 * one proxy in front (the entry it appended), never the left-most entry, which a client can
 * write itself and so would defeat `allowed_ips`.
 */
function trustProxy(raw: string | undefined): ServerConfig['trustProxy'] {
  if (raw === undefined || raw === '' || raw === 'false' || raw === '0') return false;
  if (raw === 'true') return 1;
  if (/^\d+$/.test(raw)) return Number(raw);
  return raw.split(',').map((part) => part.trim()).filter(Boolean);
}

function priceTable(raw: string | undefined): PriceTable {
  try {
    return parsePriceTable(raw);
  } catch (error) {
    if (error instanceof PriceTableError) throw new ConfigError(error.message);
    throw error;
  }
}

function publicUrl(raw: string | undefined): string | undefined {
  if (!raw) return undefined;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ConfigError(`BOLTZ_PUBLIC_URL must be an absolute http(s) URL (got "${raw}")`);
  }
  if (!/^https?:$/.test(url.protocol) || url.pathname !== '/' || url.search) {
    throw new ConfigError(`BOLTZ_PUBLIC_URL must be an http(s) origin without a path (got "${raw}")`);
  }
  return url.origin;
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): ServerConfig {
  const dataDir = resolve(env.BOLTZ_DATA_DIR || './data');
  return {
    host: env.HOST || '127.0.0.1',
    port: integer(env, 'PORT', 8080, 0, 65535),
    dataDir,
    databaseUrl: env.DATABASE_URL || join(dataDir, 'boltz.sqlite'),
    logLevel: env.LOG_LEVEL || 'info',
    trustProxy: trustProxy(env.TRUST_PROXY),
    rateLimit: {
      max: integer(env, 'RATE_LIMIT_MAX', 600, 1, 1_000_000_000),
      windowSeconds: integer(env, 'RATE_LIMIT_WINDOW_SECONDS', 60, 1, 86_400),
    },
    keyCacheTtlMs: integer(env, 'KEY_CACHE_TTL_MS', 5_000, 0, 600_000),
    lastUsedFlushMs: integer(env, 'LAST_USED_FLUSH_MS', 30_000, 100, 600_000),
    bodyLimits: {
      default: integer(env, 'BOLTZ_MAX_BODY_BYTES', 1024 * 1024, 1024, 1024 * 1024 * 1024),
      inlineFiles: integer(env, 'BOLTZ_MAX_FILE_BODY_BYTES', 50 * 1024 * 1024, 1024, 1024 * 1024 * 1024),
    },
    requestCpu: {
      threads: integer(env, 'BOLTZ_REQUEST_WORKERS', Math.min(4, Math.max(2, availableParallelism() - 1)), 1, 64),
      taskTimeoutMs: integer(env, 'BOLTZ_REQUEST_TASK_TIMEOUT_MS', 5_000, 100, 600_000),
      taskMemoryMb: integer(env, 'BOLTZ_REQUEST_TASK_MEMORY_MB', 512, 64, 16_384),
    },
    publicUrl: publicUrl(env.BOLTZ_PUBLIC_URL),
    signInAttempts: {
      max: integer(env, 'SIGN_IN_MAX_ATTEMPTS', 10, 1, 10_000),
      windowSeconds: integer(env, 'SIGN_IN_WINDOW_SECONDS', 900, 1, 86_400),
    },
    deviceCodeAttempts: {
      max: integer(env, 'DEVICE_CODE_MAX_ATTEMPTS', 20, 1, 10_000),
      windowSeconds: integer(env, 'SIGN_IN_WINDOW_SECONDS', 900, 1, 86_400),
    },
    prices: priceTable(env.BOLTZ_PRICE_TABLE),
    jobs: loadJobsConfig(env),
    bootstrap: {
      adminKey: env.BOLTZ_BOOTSTRAP_ADMIN_KEY || undefined,
      testAdminKey: env.BOLTZ_BOOTSTRAP_TEST_ADMIN_KEY || undefined,
      adminEmail: env.BOLTZ_BOOTSTRAP_ADMIN_EMAIL || undefined,
      adminPassword: env.BOLTZ_BOOTSTRAP_ADMIN_PASSWORD || undefined,
      organizationName: env.BOLTZ_ORGANIZATION_NAME || 'Default organization',
    },
    cliVersion: {
      latest: env.BOLTZ_CLI_LATEST_VERSION || undefined,
      minimumSupported: env.BOLTZ_CLI_MINIMUM_VERSION || '0.0.0',
      message: env.BOLTZ_CLI_MESSAGE || null,
      installMacosLinux: env.BOLTZ_CLI_INSTALL_MACOS_LINUX || undefined,
      installWindows: env.BOLTZ_CLI_INSTALL_WINDOWS || undefined,
    },
  };
}

const LOOPBACK_HOSTS = /^(127(\.\d{1,3}){3}|::1|\[::1\]|localhost)$/i;

/**
 * A server that accepts remote clients must know the origin they reach it by: presigned file
 * URLs and the OAuth issuer are built from it, never from a request's `Host` header (which the
 * client writes). Checked when serving, so that commands such as `migrate` run without it.
 */
export function checkServingConfig(config: ServerConfig): void {
  if (config.publicUrl === undefined && !LOOPBACK_HOSTS.test(config.host)) {
    throw new ConfigError(
      `HOST=${config.host} accepts remote clients, so BOLTZ_PUBLIC_URL must say which origin they use (e.g. BOLTZ_PUBLIC_URL=https://boltz.example.org): presigned file URLs and the OAuth issuer are built from it`,
    );
  }
}
