/**
 * Download progress on stderr (CLI.md §9.4; streamed as it happens, §10). `jsonl`: one event per
 * line. `text`: messages with --verbose, and a progress bar for downloads when stderr is a terminal.
 */
export type ProgressEvent = 'waiting' | 'status' | 'running' | 'page_discovered' | 'archive_download' | 'archive_extract' | 'ready' | 'failed';

export class ProgressReporter {
  private barShown = false;

  constructor(
    private readonly format: 'jsonl' | 'text',
    private readonly verbose: boolean,
    private readonly stream: NodeJS.WriteStream = process.stderr,
  ) {}

  event(event: ProgressEvent, message: string, fields: Record<string, unknown>): void {
    if (this.format === 'jsonl') {
      this.stream.write(`${JSON.stringify({ ts: new Date().toISOString().replace(/\.\d{3}Z$/, 'Z'), event, message, ...fields })}\n`);
      return;
    }
    this.endBar();
    if (this.verbose || event === 'failed') this.stream.write(`${message}\n`);
  }

  /**
   * Byte progress of one download: an event per call in jsonl, a redrawn bar on a terminal in text
   * (`bar` false: concurrent downloads, whose bars would overwrite each other).
   */
  bytes(message: string, fields: Record<string, unknown>, done: number, total: number | null, bar = true): void {
    if (this.format === 'jsonl') {
      this.event('archive_download', message, { ...fields, bytes_done: done, bytes_total: total });
      return;
    }
    if (!bar || !this.stream.isTTY) return;
    const width = 30;
    const fraction = total ? Math.min(1, done / total) : 0;
    const filled = Math.round(fraction * width);
    const amount = total ? `${formatBytes(done)}/${formatBytes(total)}` : formatBytes(done);
    this.stream.write(`\r[${'#'.repeat(filled)}${' '.repeat(width - filled)}] ${total ? `${Math.round(fraction * 100)}% ` : ''}${amount}`);
    this.barShown = true;
  }

  endBar(): void {
    if (this.barShown) this.stream.write('\n');
    this.barShown = false;
  }
}

function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KiB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}
