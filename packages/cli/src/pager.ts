import { spawn } from 'node:child_process';

/**
 * Where command output goes (CLI.md §4): straight to stdout, or — when stdout is a terminal and
 * the output is longer than the screen — through `$PAGER` (default `less`). Output is collected
 * until the command ends, then shown at once.
 */
export class OutputSink {
  private readonly chunks: string[] = [];

  constructor(private readonly stream: NodeJS.WriteStream = process.stdout) {}

  write(text: string): void {
    if (this.stream.isTTY) this.chunks.push(text);
    else this.stream.write(text);
  }

  async flush(): Promise<void> {
    if (this.chunks.length === 0) return;
    const text = this.chunks.join('');
    this.chunks.length = 0;
    const lines = text.split('\n').length - 1;
    const pager = process.env.PAGER?.trim() || 'less';
    // A pseudo-terminal without a size reports 0 rows.
    if (lines < (this.stream.rows || 24) || pager === 'cat') {
      this.stream.write(text);
      return;
    }
    const shown = await new Promise<boolean>((resolve) => {
      // -F: quit if one screen after all, -R: keep colours, -X: leave the text on screen.
      const child = spawn(pager, { shell: true, stdio: ['pipe', 'inherit', 'inherit'], env: { LESS: 'FRX', ...process.env } });
      child.once('error', () => resolve(false));
      child.once('close', (code) => resolve(code !== 127));
      child.stdin.on('error', () => undefined);
      child.stdin.end(text);
    });
    if (!shown) this.stream.write(text);
  }
}
