import type { LeafCommand } from '../command.ts';
import { DOWNLOAD_FLAGS, downloadResults, readDownloadStatus } from '../downloads/download-results.ts';

export const downloadResultsCommand: LeafCommand = {
  name: 'download-results',
  summary: 'Wait for a prediction or pipeline run and download its results into a local run directory (resumable)',
  description:
    'Follows the run until it ends, keeping run.json current. A prediction: its archive is extracted under\n' +
    '<root-dir>/<name>/outputs/. A pipeline run: each result gets results/<id>/ (metadata.json, archive,\n' +
    'extracted files) and a line in results/index.jsonl, page by page while the run is still running\n' +
    '(small-molecule runs also get results/summary.csv). Interrupted downloads resume when you run the\n' +
    'same command again. Prints the absolute run directory on stdout; progress goes to stderr.',
  flags: DOWNLOAD_FLAGS,
  positional: 'id',
  examples: [
    'boltz-api download-results --id sab_pred_… --poll-interval-seconds 2',
    'boltz-api download-results --id prot_des_… --name my-run --root-dir /abs/boltz-experiments --poll-interval-seconds 60',
    'boltz-api download-results --name my-run --root-dir /abs/boltz-experiments   # resume a directory',
  ],
  run: (context) => downloadResults(context),
};

export const downloadStatusCommand: LeafCommand = {
  name: 'download-status',
  summary: 'Show the local state of a download run (no network)',
  flags: DOWNLOAD_FLAGS.filter((flag) => ['name', 'run-dir', 'root-dir'].includes(flag.flag)),
  async run(context) {
    context.print(readDownloadStatus(context.local, context.given));
  },
};
