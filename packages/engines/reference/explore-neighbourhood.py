#!/usr/bin/env python3
"""Reference executable of the pipeline engine contract, version 1 (docs/engine-contract.md).

Small-molecule explore as an honest heuristic (spec/PIPELINE-ENGINES.md §4.6) — not the hosted
algorithm: the library is canonicalised and deduplicated (`preparing_library`), a k-nearest-
neighbour graph is built on Morgan fingerprints (`building_graph`), then molecules are scored
with Boltz-2 (`boltz predict` with affinity) in batches: a diverse seed batch first, then mostly
unscored neighbours of the best scorers with some diverse exploration (`scoring`). Failures do
not consume the budget.

Contract duties: results are written atomically as results/<seq>.json (structure first, under
results/<seq>/), progress.json likewise; a rerun in the same folder resumes (scored and failed
molecules are read back, never redone); SIGTERM ends the process group, Boltz included.

Settings (environment): BOLTZ_REFERENCE_BOLTZ (the `boltz` command, default `boltz` on PATH),
BOLTZ_REFERENCE_CACHE (Boltz's --cache), BOLTZ_REFERENCE_BATCH (molecules per boltz run, default 8).
RDKit is used when importable; without it, SMILES get a syntax check and character-trigram
fingerprints (enough for tests, not for real campaigns).
"""
import csv
import json
import os
import subprocess
import sys

try:
    from rdkit import Chem, DataStructs
    from rdkit.Chem import rdFingerprintGenerator
except ImportError:  # pragma: no cover - depends on the host
    Chem = None

DESCRIPTION = {"contract": 1, "name": "explore-neighbourhood", "version": "1.0.0", "families": ["small_molecule_explore"]}
NEIGHBOURS = 5
EXPLORATION = 0.2


def write_atomic(path, value):
    tmp = f"{path}.tmp"
    with open(tmp, "w") as handle:
        json.dump(value, handle)
    os.replace(tmp, path)


def canonical(smiles):
    """Canonical SMILES, or None when the SMILES is not a molecule."""
    if Chem is not None:
        mol = Chem.MolFromSmiles(smiles)
        return Chem.MolToSmiles(mol) if mol is not None else None
    allowed = set("BCNOPSFIHKLMRTZabcdeghilmnoprstuz0123456789()[]=#@+-/\\%.:*")
    depth = 0
    for char in smiles:
        if char not in allowed:
            return None
        depth += {"(": 1, ")": -1}.get(char, 0)
        if depth < 0:
            return None
    return smiles if smiles and depth == 0 else None


def fingerprint(smiles):
    if Chem is not None:
        generator = rdFingerprintGenerator.GetMorganGenerator(radius=2, fpSize=2048)
        return generator.GetFingerprint(Chem.MolFromSmiles(smiles))
    padded = f"^{smiles}$"
    return {padded[i : i + 3] for i in range(len(padded) - 2)}


def similarity(a, b):
    if Chem is not None:
        return DataStructs.TanimotoSimilarity(a, b)
    return len(a & b) / max(1, len(a | b))


def read_library(work, request):
    library = request["input"]["library"]
    path = os.path.join(work, request["files"]["library.source"])
    delimiter = "," if library.get("format", "csv") == "csv" else "\t"
    smiles_column = library.get("smiles_column") or "smiles"
    id_column = library.get("id_column")
    molecules, seen = [], set()
    invalid = duplicates = 0
    with open(path, newline="") as handle:
        for row in csv.DictReader(handle, delimiter=delimiter):
            submitted = (row.get(smiles_column) or "").strip()
            key = canonical(submitted)
            if key is None:
                invalid += 1
            elif key in seen:
                duplicates += 1
            else:
                seen.add(key)
                molecules.append({"smiles": submitted, "key": key, "external_id": row.get(id_column) if id_column else None})
    return molecules, {"duplicate_count": duplicates, "filtered_count": 0, "invalid_count": invalid}


def boltz_record(target, smiles):
    """One Boltz YAML record (JSON is YAML): target chains, the molecule as ligand L, affinity on L."""
    sequences = []
    for entity in target["entities"]:
        if entity["type"] != "protein":
            raise SystemExit("the reference engine supports protein targets only")
        sequences.append({"protein": {"id": entity["chain_ids"], "sequence": entity["value"], "msa": "empty"}})
    sequences.append({"ligand": {"id": "L", "smiles": smiles}})
    record = {"version": 1, "sequences": sequences, "properties": [{"affinity": {"binder": "L"}}]}
    pockets = target.get("pocket_residues") or {}
    if pockets:
        contacts = [[chain, index + 1] for chain, indices in pockets.items() for index in indices]
        record["constraints"] = [{"pocket": {"binder": "L", "contacts": contacts, "max_distance": 6}}]
    return record


def score_batch(work, target, batch_number, molecules):
    """Runs one `boltz predict` on a folder of records; returns {index: (metrics, cif) or None}."""
    folder = os.path.join(work, "boltz", f"batch_{batch_number}")
    inputs = os.path.join(folder, "inputs")
    os.makedirs(inputs, exist_ok=True)
    for index, molecule in molecules:
        with open(os.path.join(inputs, f"m{index}.yaml"), "w") as handle:
            json.dump(boltz_record(target, molecule["smiles"]), handle)
    command = [os.environ.get("BOLTZ_REFERENCE_BOLTZ", "boltz"), "predict", inputs, "--out_dir", os.path.join(folder, "out"),
               "--diffusion_samples", "1", "--output_format", "mmcif", "--step_scale", "1.638"]
    if os.environ.get("BOLTZ_REFERENCE_CACHE"):
        command += ["--cache", os.environ["BOLTZ_REFERENCE_CACHE"]]
    # Same process group as this executable: the server's SIGTERM reaches Boltz too.
    subprocess.run(command, check=False)
    predictions = os.path.join(folder, "out", "boltz_results_inputs", "predictions")
    scored = {}
    for index, _ in molecules:
        name = f"m{index}"
        try:
            with open(os.path.join(predictions, name, f"confidence_{name}_model_0.json")) as handle:
                confidence = json.load(handle)
            with open(os.path.join(predictions, name, f"affinity_{name}.json")) as handle:
                affinity = json.load(handle)
            with open(os.path.join(predictions, name, f"{name}_model_0.cif")) as handle:
                cif = handle.read()
        except (OSError, ValueError):
            scored[index] = None  # out of memory or a record Boltz skipped
            continue
        # spec/ENGINE.md §6: binding_confidence = P(binder), optimization_score = 6 − log10 IC50 (µM).
        scored[index] = ({
            "binding_confidence": affinity["affinity_probability_binary"],
            "optimization_score": round(6 - affinity["affinity_pred_value"], 4),
            "structure_confidence": confidence["confidence_score"],
            "iptm": confidence.get("iptm", 0),
            "ptm": confidence.get("ptm", 0),
            "complex_plddt": confidence.get("complex_plddt", 0),
            "complex_iplddt": confidence.get("complex_iplddt", 0),
        }, cif)
    return scored


def pick_diverse(candidates, chosen, fingerprints, count):
    """MaxMin: each next molecule is the one least similar to everything chosen so far."""
    picked = []
    for _ in range(min(count, len(candidates))):
        best = max((c for c in candidates if c not in picked),
                   key=lambda c: (-max([similarity(fingerprints[c], fingerprints[o]) for o in chosen + picked] or [0]), -c))
        picked.append(best)
    return picked


def main():
    if sys.argv[1:] == ["--describe"]:
        print(json.dumps(DESCRIPTION))
        return
    work = sys.argv[1]
    with open(os.path.join(work, "request.json")) as handle:
        request = json.load(handle)
    results = os.path.join(work, "results")
    os.makedirs(results, exist_ok=True)
    budget = request["input"]["budget"]

    molecules, rejection = read_library(work, request)
    total = min(budget, len(molecules))
    progress = {"phase": "preparing_library", "library_size": len(molecules), "rejection_summary": rejection,
                "num_molecules_scored": 0, "num_molecules_failed": 0, "total_molecules_to_score": total}
    write_atomic(os.path.join(work, "progress.json"), progress)

    progress["phase"] = "building_graph"
    write_atomic(os.path.join(work, "progress.json"), progress)
    fingerprints = [fingerprint(m["key"]) for m in molecules]
    neighbours = []
    for i in range(len(molecules)):
        ranked = sorted((j for j in range(len(molecules)) if j != i), key=lambda j: (-similarity(fingerprints[i], fingerprints[j]), j))
        neighbours.append(ranked[:NEIGHBOURS])

    # Resume: what earlier attempts scored or saw fail is read back, never redone.
    by_key = {m["key"]: i for i, m in enumerate(molecules)}
    scores, seq = {}, 0
    while os.path.exists(os.path.join(results, f"{seq:08d}.json")):
        with open(os.path.join(results, f"{seq:08d}.json")) as handle:
            row = json.load(handle)
        scores[by_key[canonical(row["smiles"])]] = row["metrics"]["binding_confidence"]
        seq += 1
    failed_path = os.path.join(work, "failed.json")
    failed = set(json.load(open(failed_path))) if os.path.exists(failed_path) else set()

    progress.update({"phase": "scoring", "num_molecules_scored": len(scores), "num_molecules_failed": len(failed)})
    write_atomic(os.path.join(work, "progress.json"), progress)
    batch_size = int(os.environ.get("BOLTZ_REFERENCE_BATCH", "8"))
    batch_number = len(os.listdir(os.path.join(work, "boltz"))) if os.path.isdir(os.path.join(work, "boltz")) else 0
    while len(scores) < total:
        done = set(scores) | failed
        remaining = [i for i in range(len(molecules)) if i not in done]
        if not remaining:
            break
        count = min(batch_size, total - len(scores))
        if not scores:
            batch = pick_diverse(remaining, [], fingerprints, count)
        else:
            best = sorted(scores, key=lambda i: (-scores[i], i))[:NEIGHBOURS]
            near = [j for i in best for j in neighbours[i] if j not in done]
            near = list(dict.fromkeys(near))[: max(1, round(count * (1 - EXPLORATION)))]
            batch = near + pick_diverse([i for i in remaining if i not in near], list(scores), fingerprints, count - len(near))
        scored = score_batch(work, request["input"]["target"], batch_number, [(i, molecules[i]) for i in batch])
        batch_number += 1
        for index in batch:
            outcome = scored.get(index)
            if outcome is None:
                failed.add(index)
                continue
            metrics, cif = outcome
            os.makedirs(os.path.join(results, f"{seq:08d}"), exist_ok=True)
            with open(os.path.join(results, f"{seq:08d}", "predicted_structure.cif"), "w") as handle:
                handle.write(cif)
            row = {"smiles": molecules[index]["smiles"], "metrics": metrics}
            if molecules[index]["external_id"]:
                row["external_id"] = molecules[index]["external_id"]
            write_atomic(os.path.join(results, f"{seq:08d}.json"), row)
            scores[index] = metrics["binding_confidence"]
            seq += 1
        write_atomic(failed_path, sorted(failed))
        progress.update({"num_molecules_scored": len(scores), "num_molecules_failed": len(failed)})
        write_atomic(os.path.join(work, "progress.json"), progress)


if __name__ == "__main__":
    main()
