import type { ErrorDetails } from '../../errors.ts';

/** A pipeline's stored `input`: its start body without the fields that only steer the request (spec/API.md §7.1, §7.3). */
export function pipelineInputOf<Input>({ idempotency_key: _key, workspace_id: _workspace, ...input }: Record<string, unknown>): Input {
  return input as Input;
}

/** The problems of a planner's answer (a plan, or `{errors}` keyed by path): none for a plan. */
export function planErrors(planned: object): ErrorDetails {
  return 'errors' in planned ? (planned.errors as ErrorDetails) : {};
}
