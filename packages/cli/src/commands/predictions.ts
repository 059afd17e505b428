import type Boltz from 'boltz-api';
import type { ResourceCommand } from '../command.ts';
import type { FlagSpec } from '../flags.ts';
import { runCommand } from '../downloads/download-results.ts';
import { CURSOR_PAGING_FLAGS, apiCommand, apiListCommand, idempotencyKeyFlag } from './api-command.ts';

/**
 * `predictions:structure-and-binding` and `predictions:adme` (CLI.md §1.1, API.md §8–9): the same
 * six commands over two SDK resources that share their method names.
 */
interface PredictionFamily {
  resource: string;
  model: string;
  summary: string;
  inputDescription: string;
  example: string;
  sdk(client: Boltz): Boltz['predictions']['structureAndBinding'] | Boltz['predictions']['adme'];
}

const idFlag: FlagSpec = { flag: 'id', field: 'id', type: 'string', placement: 'param', required: true, description: 'the prediction id; may also be given as the only argument', placeholder: 'ID' };

function startFlags(family: PredictionFamily): FlagSpec[] {
  return [
    { flag: 'model', field: 'model', type: 'string', placement: 'body', choices: [family.model], default: family.model, alwaysSend: true, description: `model to run (default ${family.model})`, placeholder: 'MODEL' },
    { flag: 'input', field: 'input', type: 'object', placement: 'body', required: true, description: family.inputDescription, placeholder: 'OBJECT' },
    idempotencyKeyFlag(),
    { flag: 'workspace-id', field: 'workspace_id', type: 'string', placement: 'body', description: 'workspace to run in (admin keys; default: the default workspace)', placeholder: 'ID' },
  ];
}

function predictionResource(family: PredictionFamily): ResourceCommand {
  const start = apiCommand({
    name: 'start',
    summary: 'Submit a prediction and print it (usually still pending); poll it with retrieve',
    flags: startFlags(family),
    examples: [family.example, `${family.example} -r --transform id   # print only the new id`],
    call: (client, { body }) => family.sdk(client).start(body),
  });
  return {
    name: family.resource,
    summary: family.summary,
    subcommands: [
      start,
      runCommand({
        pipeline: false,
        summary: 'Submit a prediction, wait for it and download its results into a local run directory',
        startFlags: startFlags(family),
        start: (client, body) => family.sdk(client).start(body as never),
      }),
      apiCommand({
        name: 'retrieve',
        summary: 'Show a prediction with its status, input and (once succeeded) output',
        flags: [idFlag, { flag: 'workspace-id', field: 'workspace_id', type: 'string', placement: 'param', description: 'the workspace the prediction must be in', placeholder: 'ID' }],
        positional: 'id',
        call: (client, { params: { id, ...query } }) => family.sdk(client).retrieve(id, query),
      }),
      apiListCommand({
        name: 'list',
        summary: 'List predictions, newest first (without input and output)',
        flags: [...CURSOR_PAGING_FLAGS, { flag: 'workspace-id', field: 'workspace_id', type: 'string', placement: 'param', description: 'workspace to list (default: the default workspace)', placeholder: 'ID' }],
        call: (client, { params }) => family.sdk(client).list(params),
      }),
      apiCommand({
        name: 'delete-data',
        summary: "Permanently delete a finished prediction's input and output (the record stays)",
        flags: [idFlag],
        positional: 'id',
        call: (client, { params }) => family.sdk(client).deleteData(params.id),
      }),
      apiCommand({
        name: 'estimate-cost',
        summary: 'Quote the cost of a prediction without running it (takes the same flags as start)',
        flags: startFlags(family),
        call: (client, { body }) => family.sdk(client).estimateCost(body),
      }),
    ],
  };
}

export const structureAndBinding = predictionResource({
  resource: 'predictions:structure-and-binding',
  model: 'boltz-2.1',
  summary: 'Predict the 3D structure of proteins, nucleic acids and ligands, and optionally their binding',
  inputDescription:
    "the prediction input (YAML/JSON or @file), e.g. '{entities: [{type: protein, chain_ids: [A], value: MKTAYIAKQR}], num_samples: 2}'; single fields: --input.num-samples 2",
  example: "boltz-api predictions:structure-and-binding start --input '{entities: [{type: protein, chain_ids: [A], value: MKTAYIAKQR}]}'",
  sdk: (client) => client.predictions.structureAndBinding,
});

export const adme = predictionResource({
  resource: 'predictions:adme',
  model: 'adme-v1',
  summary: 'Predict ADME properties (lipophilicity, permeability, solubility) of small molecules',
  inputDescription: "the molecules to score (1–128), e.g. '{molecules: [{smiles: CCO, id: ethanol}]}'",
  example: "boltz-api predictions:adme start --input '{molecules: [{smiles: CCO}]}'",
  sdk: (client) => client.predictions.adme,
});
