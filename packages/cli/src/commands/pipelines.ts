import type { LeafCommand, ResourceCommand } from '../command.ts';
import { runCommand } from '../downloads/download-results.ts';
import type { FlagSpec } from '../flags.ts';
import { CURSOR_PAGING_FLAGS, apiCommand, apiListCommand, idempotencyKeyFlag } from './api-command.ts';
import { type BodyField, PIPELINE_FAMILIES, type PipelineFamily } from './pipeline-families.ts';

/**
 * The pipeline resources (`protein:design`, …, `small-molecule:explore`; CLI.md §1, §1.1), built
 * from the family table: every family gets the same commands, flags and behaviour, with only the
 * body fields and the verbs its SDK resource has differing.
 */

const flagName = (field: BodyField) => field.flag ?? field.field.replace(/_/g, '-');

/**
 * `start` / `estimate-cost` / `run` flags, as the official CLI builds them: `--input` (merged
 * into the body), `--input.<field>` for each body field, `--<field>` overriding the same key,
 * then `--idempotency-key` and `--workspace-id`, which also win over `--input`.
 */
function bodyFlags(family: PipelineFamily): FlagSpec[] {
  const input: FlagSpec = {
    flag: 'input',
    field: '',
    type: 'object',
    placement: 'merge',
    description:
      'the whole request body (YAML/JSON or @yaml:///abs/payload.yaml), merged into the top-level body; the flags below override its fields',
    placeholder: 'OBJECT',
  };
  const inner = family.fields.map(
    (field): FlagSpec => ({
      flag: `input.${field.field.replace(/_/g, '-')}`,
      field: field.field,
      type: field.type,
      repeatable: field.repeatable,
      choices: field.choices,
      placement: 'merge',
      description: `sets ${field.field} inside --input`,
      placeholder: placeholder(field),
    }),
  );
  const direct = family.fields.map(
    (field): FlagSpec => ({
      flag: flagName(field),
      field: field.field,
      type: field.type,
      repeatable: field.repeatable,
      choices: field.choices,
      placement: 'body',
      description: field.description,
      placeholder: placeholder(field),
    }),
  );
  return [
    input,
    ...inner,
    ...direct,
    idempotencyKeyFlag(),
    { flag: 'workspace-id', field: 'workspace_id', type: 'string', placement: 'body', description: 'workspace to run in (admin keys; default: the default workspace)', placeholder: 'ID' },
  ];
}

function placeholder(field: BodyField): string {
  if (field.choices) return field.choices.join('|');
  return field.type === 'integer' ? 'N' : field.type === 'object' ? 'OBJECT' : 'VALUE';
}

/**
 * Required fields are checked on the merged body (flags, `--input` and stdin together, CLI.md
 * §1.1). A union body's shape is picked by its `type`; the flag names are what the user types.
 */
function missingFields(family: PipelineFamily): (body: Record<string, unknown>) => string[] {
  return (body) => {
    const shape = family.shapes.find((candidate) => candidate.type !== undefined && candidate.type === body.type) ?? family.shapes[0];
    return family.fields.filter((field) => shape.required.includes(field.field) && body[field.field] === undefined).map(flagName);
  };
}

function idFlag(family: PipelineFamily): FlagSpec {
  return { flag: 'id', field: 'id', type: 'string', placement: 'param', required: true, description: `the ${family.noun} id; may also be given as the only argument`, placeholder: 'ID' };
}

const workspaceQueryFlag = (description: string): FlagSpec => ({ flag: 'workspace-id', field: 'workspace_id', type: 'string', placement: 'param', description, placeholder: 'ID' });

function pipelineResource(family: PipelineFamily): ResourceCommand {
  const startFlags = bodyFlags(family);
  const requiredBodyFields = missingFields(family);
  const has = (verb: (typeof family.verbs)[number]) => family.verbs.includes(verb);
  const sdk = family.sdk;

  const subcommands: Array<LeafCommand | undefined> = [
    {
      ...apiCommand({
        name: 'start',
        summary: `Start a ${family.noun} and print it (pending); follow it with retrieve, list-results or download-results`,
        description: 'Prefer --input for the full payload; the per-field flags remain available as overrides.',
        flags: startFlags,
        examples: [family.example],
        call: (client, { body }) => sdk(client).start(body as never),
      }),
      requiredBodyFields,
    },
    runCommand({
      pipeline: true,
      summary: `Start a ${family.noun}, wait for it and download every result into a local run directory`,
      startFlags,
      requiredBodyFields,
      start: (client, body) => sdk(client).start(body as never),
    }),
    apiCommand({
      name: 'retrieve',
      summary: `Show a ${family.noun} with its status and progress`,
      flags: [idFlag(family), workspaceQueryFlag(`the workspace the ${family.noun} must be in`)],
      positional: 'id',
      call: (client, { params: { id, ...query } }) => sdk(client).retrieve(id, query),
    }),
    has('list')
      ? apiListCommand({
          name: 'list',
          summary: `List ${family.noun}s, newest first`,
          flags: [...CURSOR_PAGING_FLAGS, workspaceQueryFlag('workspace to list (default: the default workspace)')],
          call: (client, { params }) => sdk(client).list!(params),
        })
      : undefined,
    apiListCommand({
      name: 'list-results',
      summary: `List the results of a ${family.noun}, oldest first (also while it runs)`,
      flags: [
        idFlag(family),
        ...CURSOR_PAGING_FLAGS,
        { flag: 'ids', field: 'ids', type: 'string', placement: 'param', description: 'only these result ids (comma-separated, at most 200; unknown ids are skipped)', placeholder: 'IDS' },
        workspaceQueryFlag(`the workspace the ${family.noun} must be in`),
      ],
      positional: 'id',
      call: (client, { params: { id, ...query } }) => sdk(client).listResults(id, query),
    }),
    apiCommand({
      name: 'stop',
      summary: `Stop a pending or running ${family.noun}; its results are kept and resume continues it`,
      flags: [idFlag(family)],
      positional: 'id',
      call: (client, { params }) => sdk(client).stop(params.id),
    }),
    apiCommand({
      name: 'resume',
      summary: `Resume a stopped ${family.noun} from its last checkpoint`,
      flags: [idFlag(family)],
      positional: 'id',
      call: (client, { params }) => sdk(client).resume(params.id),
    }),
    has('delete-data')
      ? apiCommand({
          name: 'delete-data',
          summary: `Permanently delete a finished or stopped ${family.noun}'s input and results (the record stays)`,
          flags: [idFlag(family)],
          positional: 'id',
          call: (client, { params }) => sdk(client).deleteData!(params.id),
        })
      : undefined,
    has('estimate-cost')
      ? {
          ...apiCommand({
            name: 'estimate-cost',
            summary: `Quote the cost of a ${family.noun} without starting it (takes the start flags)`,
            flags: startFlags,
            examples: [`boltz-api ${family.resource} estimate-cost --input @yaml:///abs/payload.yaml`],
            call: (client, { body }) => sdk(client).estimateCost!(body as never),
          }),
          requiredBodyFields,
        }
      : undefined,
    has('list-curated-specifications')
      ? apiCommand({
          name: 'list-curated-specifications',
          summary: 'List the binder specifications of the Boltz-curated nanobody or antibody library',
          flags: [{ flag: 'type', field: 'type', type: 'string', placement: 'param', required: true, choices: ['nanobody', 'antibody'], description: 'the curated library: nanobody or antibody', placeholder: 'nanobody|antibody' }],
          call: (client, { params }) => sdk(client).listCuratedSpecifications!({ type: params.type }),
        })
      : undefined,
  ];
  return { name: family.resource, summary: family.summary, subcommands: subcommands.filter((command): command is LeafCommand => command !== undefined) };
}

export const PIPELINE_RESOURCES: ResourceCommand[] = PIPELINE_FAMILIES.map(pipelineResource);
