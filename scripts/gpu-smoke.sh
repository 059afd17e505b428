#!/usr/bin/env bash
# One small live job per configured live engine, through the API, with timings (docs/live-engines.md).
# For a GPU host with the engines installed:
#
#   BOLTZ_ENGINE_EXECUTABLE=/opt/boltz/bin/boltz BOLTZ_ENGINE_CACHE=/models/boltz \
#   BOLTZ_BOLTZGEN_EXECUTABLE=/opt/boltzgen/bin/boltzgen BOLTZ_BOLTZGEN_CACHE=/models/boltzgen \
#   scripts/gpu-smoke.sh
#
# It starts a server on a scratch SQLite database and data folder (port $PORT, default 8765), runs
# structure-and-binding (a 51-residue protein with ethanol, affinity) and protein design
# (10 peptides against the same protein) when their engines are configured, polls each to the end,
# prints status, phase timings and result counts, and stops the server. Exit code 1 if any job failed.
set -euo pipefail
cd "$(dirname "$0")/.."

PORT="${PORT:-8765}"
SCRATCH="$(mktemp -d -t boltz-gpu-smoke-XXXXXX)"
ADMIN_KEY="sk_bc_admin_live_$(head -c 64 /dev/urandom | base64 | tr -dc 'A-Za-z0-9' | head -c 40)"
export BOLTZ_DATA_DIR="$SCRATCH/data" BOLTZ_BOOTSTRAP_ADMIN_KEY="$ADMIN_KEY"
export PORT HOST=127.0.0.1 LOG_LEVEL="${LOG_LEVEL:-warn}"
export BOLTZ_BOLTZGEN_WORK_DIR="${BOLTZ_BOLTZGEN_WORK_DIR:-$SCRATCH/boltzgen-runs}" BOLTZ_BOLTZGEN_CHUNK_DESIGNS="${BOLTZ_BOLTZGEN_CHUNK_DESIGNS:-5}"

if [[ -z "${BOLTZ_ENGINE_EXECUTABLE:-}" && -z "${BOLTZ_BOLTZGEN_EXECUTABLE:-}" ]]; then
  echo "Set BOLTZ_ENGINE_EXECUTABLE and/or BOLTZ_BOLTZGEN_EXECUTABLE (docs/live-engines.md)." >&2
  exit 2
fi
command -v nvidia-smi >/dev/null && nvidia-smi --query-gpu=name,memory.total --format=csv,noheader

node packages/server/bin/boltz-server.js >"$SCRATCH/server.log" 2>&1 &
SERVER=$!
trap 'kill "$SERVER" 2>/dev/null; wait "$SERVER" 2>/dev/null; echo "server log and runs: $SCRATCH"' EXIT
for _ in $(seq 1 120); do curl -fs "http://127.0.0.1:$PORT/healthz" >/dev/null && break; sleep 1; done
echo "readyz: $(curl -s "http://127.0.0.1:$PORT/readyz")"

BASE="http://127.0.0.1:$PORT" KEY="$ADMIN_KEY" node --input-type=module - <<'EOF'
import Boltz from 'boltz-api';
const client = new Boltz({ apiKey: process.env.KEY, baseURL: process.env.BASE, maxRetries: 2 });
const PROTEIN = 'MKTAYIAKQRQISFVKSHFSRQLEERLGLIEVQAPILSRVGDGTQDNLSGAEKAVQVKVKALPDAQFEVV'.slice(0, 51);
const seconds = (from, to) => ((new Date(to) - new Date(from)) / 1000).toFixed(1);
let failures = 0;

async function watch(name, retrieve, countOf) {
  const began = Date.now();
  for (;;) {
    const job = await retrieve();
    if (['succeeded', 'failed', 'stopped'].includes(job.status)) {
      const started = job.started_at ?? job.created_at;
      console.log(`${name}: ${job.status} in ${((Date.now() - began) / 1000).toFixed(1)} s ` +
        `(pending ${seconds(job.created_at, started)} s, running ${seconds(started, job.completed_at ?? new Date())} s)` +
        (countOf ? `, ${countOf(job)}` : '') + (job.error ? ` — ${job.error.code}: ${job.error.message}` : ''));
      if (job.status !== 'succeeded') failures++;
      return job;
    }
    await new Promise((resolve) => setTimeout(resolve, 5000));
  }
}

const ready = await (await fetch(`${process.env.BASE}/readyz`)).json();
const families = new Set(ready.engines.flatMap((engine) => engine.families));
if (families.has('structure_and_binding')) {
  const job = await client.predictions.structureAndBinding.start({
    model: 'boltz-2.1',
    input: {
      entities: [{ type: 'protein', chain_ids: ['A'], value: PROTEIN }, { type: 'ligand_smiles', chain_ids: ['L'], value: 'CCO' }],
      binding: { type: 'ligand_protein_binding', binder_chain_id: 'L' },
    },
  });
  await watch('structure_and_binding', () => client.predictions.structureAndBinding.retrieve(job.id), (j) => `structure_confidence ${j.output?.best_sample?.metrics?.structure_confidence}`);
}
if (families.has('protein_design')) {
  const run = await client.protein.design.start({
    num_proteins: 10,
    target: { type: 'no_template', entities: [{ type: 'protein', chain_ids: ['A'], value: PROTEIN }] },
    binder_specification: { type: 'no_template', modality: 'peptide', entities: [{ type: 'designed_protein', chain_ids: ['P'], value: '12..16' }] },
  });
  await watch('protein_design', () => client.protein.design.retrieve(run.id), (r) => `${r.progress.num_proteins_generated}/${r.progress.total_proteins_to_generate} designs`);
}
process.exit(failures > 0 ? 1 : 0);
EOF
