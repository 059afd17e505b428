import { seededRandom } from '@boltz/shared';
import type { NeighbourGraph } from './neighbour-graph.ts';

/**
 * Which molecules explore scores next (PIPELINE-ENGINES.md §4.6, our heuristic, not the hosted
 * algorithm): about 80 % of each batch are unscored neighbours of the best scorers so far
 * (most similar first, best scorer first), about 20 % exploration of regions nothing chosen
 * touches yet; the first batch, with nothing scored, is all exploration.
 */
export interface ExplorationState {
  graph: NeighbourGraph;
  /** 1 for every molecule already chosen (scored, failed or in flight): never chosen again. */
  chosen: Uint8Array;
  /** Scores of the scored molecules; NaN for the others (unscored, in flight, failed). */
  scores: Float64Array;
}

export interface ExplorationBatchOptions {
  batchSize: number;
  /** Share of each batch for exploration; default 0.2. */
  explorationFraction?: number;
  /** Seeds the exploration choices, e.g. `${runId}:${batchNumber}`. */
  seed: string;
}

/** The next batch (molecule indexes, no repeats, at most batchSize), marked in `state.chosen`. */
export function chooseExplorationBatch(state: ExplorationState, options: ExplorationBatchOptions): number[] {
  const { graph, chosen, scores } = state;
  const random = seededRandom('explore-batch', options.seed);
  const batch: number[] = [];
  const choose = (molecule: number) => {
    chosen[molecule] = 1;
    batch.push(molecule);
  };

  const scored: number[] = [];
  for (let i = 0; i < scores.length; i++) if (!Number.isNaN(scores[i])) scored.push(i);
  scored.sort((a, b) => scores[b] - scores[a] || a - b);
  const exploitation = scored.length === 0 ? 0 : Math.round(options.batchSize * (1 - (options.explorationFraction ?? 0.2)));
  for (const best of scored) {
    if (batch.length >= exploitation) break;
    for (let slot = best * graph.k; slot < (best + 1) * graph.k && batch.length < exploitation; slot++) {
      const neighbour = graph.neighbours[slot];
      if (neighbour >= 0 && !chosen[neighbour]) choose(neighbour);
    }
  }

  // Exploration (and whatever exploitation could not fill): among a few random unchosen
  // molecules, the one with the fewest chosen neighbours, i.e. the least explored region.
  while (batch.length < options.batchSize) {
    let pick = -1;
    let fewest = Infinity;
    for (let probe = 0; probe < 8; probe++) {
      const candidate = randomUnchosen(chosen, random.next());
      if (candidate < 0) break;
      let touched = 0;
      for (let slot = candidate * graph.k; slot < (candidate + 1) * graph.k; slot++) if (graph.neighbours[slot] >= 0 && chosen[graph.neighbours[slot]]) touched++;
      if (touched < fewest) [pick, fewest] = [candidate, touched];
    }
    if (pick < 0) break; // everything is chosen
    choose(pick);
  }
  return batch;
}

/** An unchosen molecule from a random starting point (the next one after it), or −1. */
function randomUnchosen(chosen: Uint8Array, unit: number): number {
  const n = chosen.length;
  const start = Math.floor(unit * n);
  for (let i = 0; i < n; i++) {
    const at = start + i < n ? start + i : start + i - n;
    if (!chosen[at]) return at;
  }
  return -1;
}
