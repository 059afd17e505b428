import type { ResourceCommand } from '../command.ts';
import { CONFIG_KEYS, StoredState } from '../oauth/stored-state.ts';

/** `config show` / `config reset` (CLI.md §8): config.yaml only; session and credentials stay. */
export const config: ResourceCommand = {
  name: 'config',
  summary: 'Show or reset the stored OAuth settings (config.yaml)',
  subcommands: [
    {
      name: 'show',
      summary: 'Print config.yaml: issuer, client, scopes, audience, endpoint overrides and selected organization',
      flags: [],
      async run(context) {
        const state = new StoredState();
        const stored = state.readConfig();
        const shown = stored && Object.fromEntries(CONFIG_KEYS.map((key) => [key, stored[key] ?? null]));
        context.print({ path: state.paths.config, present: stored !== undefined, ...(shown ? { config: shown } : {}) });
      },
    },
    {
      name: 'reset',
      summary: 'Delete config.yaml (the sign-in itself is kept; use `auth logout` for that)',
      flags: [],
      async run(context) {
        const state = new StoredState();
        context.print({ path: state.paths.config, removed: state.remove('config') });
      },
    },
  ],
};
