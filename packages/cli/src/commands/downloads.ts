import type { LeafCommand } from '../command.ts';
import { DOWNLOAD_FLAGS, downloadResults, readDownloadStatus } from '../downloads/download-results.ts';

export const downloadResultsCommand: LeafCommand = {
  name: 'download-results',
  summary: 'Wait for a prediction and download its results into a local run directory (resumable)',
  description:
    'Polls the run until it ends, writes run.json and downloads and extracts the result archive under\n' +
    '<root-dir>/<name>/outputs/. Interrupted downloads resume when you run the same command again.\n' +
    'Prints the absolute run directory on stdout; progress goes to stderr.',
  flags: DOWNLOAD_FLAGS,
  positional: 'id',
  examples: ['boltz-api download-results --id sab_pred_… --poll-interval-seconds 2', 'boltz-api download-results --name my-run   # resume a directory'],
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
