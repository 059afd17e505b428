import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { SdkCall } from '../commands/api-command.ts';
import type { PipelineSdk } from '../commands/pipeline-families.ts';
import { CliError } from '../errors.ts';
import { writeCheckpoint } from './checkpoint.ts';
import { type DownloadRun, type RemoteRun, materializeArchive, recordRemoteRun, runFailed, withoutUrls } from './download-run.ts';
import { ResultIndex, writeResultMetadata, writeSummaryCsv } from './result-index.ts';

/** Results per page while downloading (§9.3): small pages keep a checkpointed page cheap to redo. */
const PAGE_LIMIT = 20;

interface PipelineResult {
  id: string;
  artifacts?: { archive?: { url?: string } | null } | null;
  [field: string]: unknown;
}

interface ResultPage {
  data: PipelineResult[];
  last_id?: string | null;
}

type ResultMetadata = Record<string, unknown> & { id: string };

async function json<T>(call: SdkCall): Promise<T> {
  return JSON.parse(await (await call.asResponse()).text()) as T;
}

/**
 * Pipeline runs (CLI.md §9.3): each round reads the run, then pages its results from the
 * checkpoint's cursor. A non-empty page is recorded as `pending` before anything is written, each
 * result gets its metadata, archive and extracted files, and the page's ids are popped as they
 * complete; the cursor moves only when the whole page is done. Rounds repeat without sleeping
 * while results arrive; a finished (`succeeded`/`stopped`) run with no new results is done, a
 * `failed` one is an error (its results stay on disk).
 */
export async function downloadPipelineRun(download: DownloadRun, sdk: PipelineSdk): Promise<void> {
  const { checkpoint, runDir } = download;
  const id = checkpoint.remote.run_id;
  const workspace = () => (checkpoint.remote.workspace_id ? { workspace_id: checkpoint.remote.workspace_id } : {});
  const fetchPage = (afterId: string | null) => json<ResultPage>(sdk.listResults(id, { limit: PAGE_LIMIT, ...(afterId ? { after_id: afterId } : {}), ...workspace() }));
  const index = await ResultIndex.open(runDir);
  const finish = async () => {
    if (checkpoint.run_type.startsWith('small_molecule_')) await writeSummaryCsv(index, runDir);
  };

  download.emit('waiting', `Waiting for ${checkpoint.run_type.replace(/_/g, ' ')} ${id} in ${runDir}`);
  let lastStatus: string | null = null;
  let lastRunningEvent = 0;
  for (;;) {
    // The status is read before paging: results of a run that had finished are all listed.
    const run = await json<RemoteRun>(sdk.retrieve(id, workspace()));
    const status = recordRemoteRun(download, run, lastStatus);
    lastStatus = status;

    let progressed = false;
    for (;;) {
      let page: PipelineResult[] | undefined;
      if (checkpoint.pending?.kind !== 'result_page') {
        const next = await fetchPage(checkpoint.cursor_after_id);
        if (next.data.length === 0) break;
        checkpoint.pending = {
          kind: 'result_page',
          after_id: checkpoint.cursor_after_id,
          page_last_id: next.last_id ?? next.data[next.data.length - 1].id,
          result_ids: next.data.map((result) => result.id),
        };
        writeCheckpoint(runDir, checkpoint);
        download.emit('page_discovered', `Queued ${next.data.length} results for download`);
        page = next.data;
      }
      // A page left pending by an interrupted download is listed again: its URLs are fresh.
      await drainPage(download, index, page ?? (await fetchPage(checkpoint.pending!.after_id)).data);
      progressed = true;
    }

    if (status === 'failed') {
      await finish();
      throw runFailed(download);
    }
    if (status === 'succeeded' || status === 'stopped') {
      await finish();
      download.emit('ready', status === 'stopped' ? `Run ${id} was stopped; its results are in ${runDir}` : `Run ${id} is ready in ${runDir}`);
      return;
    }
    if (status !== 'pending' && status !== 'running') throw new CliError(`Unsupported pipeline status "${status}"`);
    if (progressed) continue;
    if (Date.now() - lastRunningEvent >= 30_000) {
      const latest = checkpoint.remote.latest_result_id;
      download.emit(status === 'running' ? 'running' : 'waiting', `Run ${id} is ${status}${latest ? `; latest result ${latest}` : ''}`);
      lastRunningEvent = Date.now();
    }
    await sleep(download.pollSeconds * 1000);
  }
}

/**
 * Materializes the pending page: results still listed in `pending.result_ids` are downloaded by
 * up to `--workers` at a time; index lines are appended in page order as the completed prefix
 * grows, so the index stays sorted and a rerun adds exactly the lines that are missing.
 */
async function drainPage(download: DownloadRun, index: ResultIndex, listed: PipelineResult[]): Promise<void> {
  const { checkpoint, runDir } = download;
  const pending = checkpoint.pending!;
  // The page ends at page_last_id even if more results have arrived since it was first listed.
  const end = listed.findIndex((result) => result.id === pending.page_last_id);
  const results = end >= 0 ? listed.slice(0, end + 1) : listed;
  const todo = new Set(pending.result_ids);
  for (const id of todo) {
    if (!results.some((result) => result.id === id)) throw new CliError(`Unable to resume result page; result ${id} is no longer present`);
  }

  let indexed = 0;
  const appendCompleted = () => {
    const entries: ResultMetadata[] = [];
    for (; indexed < results.length && !todo.has(results[indexed].id); indexed++) entries.push(index.entry(resultMetadata(results[indexed])));
    index.append(entries);
  };
  appendCompleted();
  await forEachConcurrently(
    results.filter((result) => todo.has(result.id)),
    download.workers,
    async (result) => {
      await materializeResult(download, result);
      todo.delete(result.id);
      pending.result_ids = pending.result_ids.filter((id) => id !== result.id);
      writeCheckpoint(runDir, checkpoint);
      appendCompleted();
    },
  );
  checkpoint.cursor_after_id = pending.page_last_id;
  checkpoint.pending = null;
  writeCheckpoint(runDir, checkpoint);
}

/** The result as `metadata.json` and the index keep it: without artifacts and URLs (§9.2). */
function resultMetadata(result: PipelineResult): ResultMetadata {
  const { artifacts: _artifacts, ...rest } = result;
  return withoutUrls(rest) as ResultMetadata;
}

async function materializeResult(download: DownloadRun, result: PipelineResult): Promise<void> {
  writeResultMetadata(download.runDir, resultMetadata(result));
  const url = result.artifacts?.archive?.url;
  if (download.checkpoint.download_mode !== 'everything' || !url) return;
  await materializeArchive(download, url, join(download.runDir, 'results', result.id), { result_id: result.id }, download.workers === 1);
}

/** Runs `task` over `items` with at most `limit` in flight; the first failure is rethrown once all settle. */
async function forEachConcurrently<T>(items: T[], limit: number, task: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  let failure: { error: unknown } | undefined;
  const worker = async () => {
    while (!failure && next < items.length) {
      const item = items[next++];
      try {
        await task(item);
      } catch (error) {
        failure ??= { error };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  if (failure) throw failure.error;
}
