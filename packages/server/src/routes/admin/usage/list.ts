import { Type } from 'typebox';
import { windowStart, type UsageGroup } from '@boltz/storage';
import { type Application, APPLICATIONS } from '../../../billing/prices.ts';
import { invalidRequest } from '../../../errors.ts';
import { errorResponses, Nullable } from '../../../schemas/common.ts';
import type { App } from '../../../services.ts';
import { decodeCursor, encodeCursor, type CursorBinding } from './usage-cursor.ts';

const ApplicationEnum = Type.Enum(APPLICATIONS, { description: 'Billed application' });
const GroupEnum = Type.Enum(['workspace_id', 'application']);

// A time zone is required (§5.3); Ajv's `date-time` alone would accept a local time, or an
// hour-only offset (`+01`) that JavaScript dates cannot read.
const ZonedDateTime = (description: string) =>
  Type.String({ format: 'date-time', pattern: '([Zz]|[+-]\\d\\d:?\\d\\d)$', description, examples: ['2026-04-08T18:56:46Z'] });

// Repeated keys (`applications[]=a&applications[]=b`) arrive as an array, a single one as a string
// that the query validator coerces into a one-element array (plugins/validation.ts).
const Query = Type.Object(
  {
    starting_at: ZonedDateTime('Start of the range (inclusive), ISO 8601 with time zone'),
    ending_at: ZonedDateTime('End of the range (exclusive), ISO 8601 with time zone; after starting_at'),
    window_size: Type.Enum(['HOUR', 'DAY'], {
      description: 'Bucket size: HOUR allows ranges up to 31 days, DAY up to 365 days',
    }),
    applications: Type.Optional(Type.Array(ApplicationEnum, { description: 'Only these applications (`applications[]`)' })),
    group_by: Type.Optional(Type.Array(GroupEnum, { description: 'Split buckets by workspace_id and/or application (`group_by[]`)' })),
    workspace_ids: Type.Optional(Type.Array(Type.String({ minLength: 1, maxLength: 128 }), { description: 'Only these workspaces (`workspace_ids[]`)' })),
    page: Type.Optional(Type.String({ minLength: 1, description: 'Opaque token from a previous `next_page`' })),
    limit: Type.Integer({ minimum: 1, maximum: 1000, default: 100, description: 'Buckets per page, 1–1000' }),
  },
  { additionalProperties: false },
);

const UsageBucket = Type.Object(
  {
    start_time: Type.String({ format: 'date-time', description: 'Start of the window (UTC hour or day boundary)', examples: ['2026-04-08T00:00:00.000Z'] }),
    end_time: Type.String({ format: 'date-time', description: 'End of the window (exclusive)', examples: ['2026-04-09T00:00:00.000Z'] }),
    quantity: Type.Integer({ description: 'Billed units of jobs settled in the window', examples: [12] }),
    application: Type.Optional(ApplicationEnum),
    workspace_id: Type.Optional(Type.String({ description: 'Present when grouped by workspace_id', examples: ['ws_2X7Ab9Cd3Ef6Gh1JkLmN'] })),
  },
  { description: 'Usage of one window (and group)' },
);

const DAY_MS = 24 * 60 * 60 * 1000;
const WINDOW = {
  HOUR: { ms: 60 * 60 * 1000, maxRangeDays: 31 },
  DAY: { ms: DAY_MS, maxRangeDays: 365 },
} as const;
// Response order is start_time, workspace_id, application (§5.3): the group key in that order.
const GROUP_ORDER: UsageGroup[] = ['workspace_id', 'application'];

// The predecessor SDK (boltz-compute-api 0.14) joins arrays with commas (`group_by[]=a,b`); no
// application, group or workspace id contains one, so splitting is safe.
const LIST_PARAMETERS = ['applications', 'group_by', 'workspace_ids'];

function splitCommaLists(query: Record<string, unknown>): void {
  for (const name of LIST_PARAMETERS) {
    const value = query[name];
    if (value !== undefined) query[name] = [value].flat().flatMap((item) => String(item).split(',')).filter((item) => item !== '');
  }
}

/** §5.3: ending after starting, within 31 days for HOUR windows and 365 days for DAY windows. */
function checkedRange(startingAt: string, endingAt: string, windowSize: keyof typeof WINDOW): { startingAt: Date; endingAt: Date } {
  const range = { startingAt: new Date(startingAt), endingAt: new Date(endingAt) };
  if (range.endingAt <= range.startingAt) throw invalidRequest('ending_at must be after starting_at', { ending_at: 'must be after starting_at' });
  const { maxRangeDays } = WINDOW[windowSize];
  if (range.endingAt.getTime() - range.startingAt.getTime() > maxRangeDays * DAY_MS) {
    const message = `must be at most ${maxRangeDays} days after starting_at when window_size is ${windowSize}`;
    throw invalidRequest(`ending_at ${message}`, { ending_at: message });
  }
  return range;
}

export default function listUsage(app: App) {
  app.get(
    '/compute/v1/admin/usage',
    {
      config: { access: 'admin' },
      preValidation: async (request) => splitCommaLists(request.query as Record<string, unknown>),
      schema: {
        operationId: 'admin.usage.list',
        summary: 'Billed usage of the organization in hourly or daily buckets, for the caller\'s mode',
        tags: ['Admin: usage'],
        querystring: Query,
        response: {
          200: Type.Object({
            data: Type.Array(UsageBucket),
            next_page: Nullable(Type.String({ description: 'Pass as `page` to get the next buckets' })),
            has_more: Type.Boolean({ description: 'Whether more buckets follow' }),
          }),
          ...errorResponses(400, 401, 403, 429),
        },
      },
    },
    async (request) => {
      const { principal } = request;
      const query = request.query;
      const { startingAt, endingAt } = checkedRange(query.starting_at, query.ending_at, query.window_size);
      const groupBy = GROUP_ORDER.filter((group) => query.group_by?.includes(group));
      const binding: CursorBinding = {
        organizationId: principal.organizationId,
        mode: principal.mode,
        startingAt: startingAt.toISOString(),
        endingAt: endingAt.toISOString(),
        windowSize: query.window_size,
        applications: query.applications ?? [],
        groupBy,
        workspaceIds: query.workspace_ids ?? [],
      };
      const { storage } = app.services;
      const after = query.page === undefined ? undefined : await decodeCursor(storage, query.page, binding);

      // Windows are whole UTC hours or days: the one containing starting_at is the first.
      const rows = await storage.usage.listBuckets({
        organizationId: principal.organizationId,
        mode: principal.mode,
        windowSize: query.window_size,
        from: windowStart(binding.startingAt, query.window_size),
        to: binding.endingAt,
        applications: query.applications,
        workspaceIds: query.workspace_ids,
        groupBy,
        after,
        limit: query.limit + 1,
      });
      const has_more = rows.length > query.limit;
      const page = rows.slice(0, query.limit);
      const last = page[page.length - 1];
      const next_page =
        has_more && last
          ? await encodeCursor(storage, [last.window_start, ...groupBy.map((group) => last[group] as string)], binding)
          : null;
      // Many buckets share a window (one per group): compute each window's end once.
      const endTimes = new Map<string, string>();
      const endOf = (start: string) => {
        let end = endTimes.get(start);
        if (end === undefined) endTimes.set(start, (end = new Date(Date.parse(start) + WINDOW[query.window_size].ms).toISOString()));
        return end;
      };
      return {
        data: page.map((row) => ({
          start_time: row.window_start,
          end_time: endOf(row.window_start),
          quantity: row.quantity,
          ...(groupBy.includes('application') ? { application: row.application as Application } : {}),
          ...(groupBy.includes('workspace_id') ? { workspace_id: row.workspace_id } : {}),
        })),
        next_page,
        has_more,
      };
    },
  );
}
