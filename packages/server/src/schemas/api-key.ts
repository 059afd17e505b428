import { Type } from 'typebox';
import { DateTime, Nullable } from './common.ts';

export const ApiKey = Type.Object(
  {
    id: Type.String({ description: 'API key ID', examples: ['key_2X7Ab9Cd3Ef6Gh1JkLmN'] }),
    name: Type.String({ description: 'API key name' }),
    key_prefix: Type.String({ description: 'First 12 characters of the key', examples: ['sk_bc_ws_tes'] }),
    key_type: Type.Union([Type.Literal('admin'), Type.Literal('workspace')]),
    livemode: Type.Boolean({ description: 'Whether this is a live key (false for test keys)' }),
    workspace_id: Nullable(Type.String({ description: 'Workspace the key is scoped to; null for admin keys' })),
    allowed_ips: Type.Array(Type.String(), { description: 'Allowed client IPs; empty means any' }),
    is_active: Type.Boolean({ description: 'False once revoked, or when its workspace is archived' }),
    created_at: DateTime('When the key was created'),
    expires_at: Nullable(DateTime('When the key expires; null if it never does')),
    last_used_at: Nullable(DateTime('Last use; may lag by up to a minute')),
  },
  { description: 'An API key record; the secret itself is only returned at creation' },
);
