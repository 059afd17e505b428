import { Type } from 'typebox';

/** Body fields every job `start` and `estimate-cost` takes besides `model` and `input` (spec/API.md §7.1, §7.3). */
export const IdempotencyKey = Type.String({
  minLength: 1,
  maxLength: 255,
  description: 'Client-provided key that makes retries of this request safe (1–255 characters)',
  examples: ['run-2026-04-08-001'],
});

export const WorkspaceId = Type.String({
  minLength: 1,
  description: 'Target workspace (admin keys; a workspace key may only name its own); default: the default workspace',
  examples: ['ws_2X7Ab9Cd3Ef6Gh1JkLmN'],
});
