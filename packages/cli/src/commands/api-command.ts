import type Boltz from 'boltz-api';
import type { LeafCommand } from '../command.ts';
import type { FlagSpec } from '../flags.ts';

/** What an API command hands to the SDK: path/query parameters and the body, by API name. */
export interface ApiRequest {
  params: Record<string, any>;
  body: any;
}

/** The SDK call's result: an APIPromise, or a PagePromise for lists (both offer asResponse()). */
export interface SdkCall {
  asResponse(): Promise<Response>;
}
export interface SdkListCall extends SdkCall, AsyncIterable<unknown> {}

interface ApiCommandOptions {
  name: string;
  summary: string;
  description?: string;
  flags: FlagSpec[];
  positional?: string;
  examples?: string[];
  /** Public endpoints (`cli version`) work without a credential (CLI.md §10). */
  credential?: 'required' | 'optional';
}

/** A command that makes one SDK call and prints the response body (CLI.md §4). */
export function apiCommand(options: ApiCommandOptions & { call(client: Boltz, request: ApiRequest): SdkCall }): LeafCommand {
  return {
    ...options,
    readsStdin: true,
    async run(context) {
      const call = options.call(context.api(options.credential), { params: context.params, body: context.body });
      const response = await call.asResponse();
      const text = await response.text();
      context.print(text ? JSON.parse(text) : null, text);
    },
  };
}

/**
 * A list command: follows every page (API.md §4) and prints each item separately; `--max-items`
 * caps the count. `--format raw` makes one request and prints that page as the server sent it.
 */
export function apiListCommand(options: ApiCommandOptions & { call(client: Boltz, request: ApiRequest): SdkListCall }): LeafCommand {
  return {
    ...options,
    flags: [...options.flags, MAX_ITEMS_FLAG],
    readsStdin: true,
    async run(context) {
      const call = options.call(context.api(options.credential), { params: context.params, body: context.body });
      if (context.globals.format === 'raw') {
        const text = await (await call.asResponse()).text();
        context.print(JSON.parse(text), text);
        return;
      }
      const maxItems = context.local['max-items'] as number | undefined;
      if (maxItems === 0) return;
      let printed = 0;
      for await (const item of call) {
        context.print(item);
        printed++;
        if (maxItems !== undefined && maxItems >= 0 && printed >= maxItems) break;
      }
    },
  };
}

const MAX_ITEMS_FLAG: FlagSpec = {
  flag: 'max-items',
  field: 'max_items',
  type: 'integer',
  placement: 'local',
  description: 'stop after printing this many items (default: all; -1 = all)',
  placeholder: 'N',
};

/** Cursor paging flags shared by every `list` (API.md §4.1). `--limit` is sent only when given. */
export const CURSOR_PAGING_FLAGS: FlagSpec[] = [
  { flag: 'after-id', field: 'after_id', type: 'string', placement: 'param', description: 'start after the item with this id', placeholder: 'ID' },
  { flag: 'before-id', field: 'before_id', type: 'string', placement: 'param', description: 'list the items before the one with this id', placeholder: 'ID' },
  { flag: 'limit', field: 'limit', type: 'integer', placement: 'param', description: 'page size requested from the server (pages are followed automatically)', placeholder: 'N' },
];

export function idempotencyKeyFlag(): FlagSpec {
  return {
    flag: 'idempotency-key',
    field: 'idempotency_key',
    type: 'string',
    placement: 'body',
    description: 'reuse this key to retry a start safely: the same key with the same body returns the original job',
    placeholder: 'KEY',
  };
}
