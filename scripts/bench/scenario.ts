import type { BenchContext } from './context.ts';
import type { BenchRequest } from './measure.ts';

/**
 * One line of the benchmark table. `prepare` creates whatever data the request needs and
 * returns the request to repeat; `baseline` names the scenario this one is compared with
 * (the ratio column), and `goal` states what the issue asks of it.
 */
export interface Scenario {
  name: string;
  prepare(context: BenchContext): Promise<BenchRequest>;
  baseline?: string;
  /** Connections to measure with instead of `--connections` (1: the latency of one request at a time). */
  connections?: number;
  goal?: { minRatioToBaseline?: number; maxP99Ms?: number };
}
