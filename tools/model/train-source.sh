#!/usr/bin/env bash
# Replays the ten training stages that made the committed source model (models/source/MODEL_CARD.md,
# "Training"), each from the one before (v0.9 is the average of v0.8 and a run from it, v0.10 of v0.9 and a run from
# it), on the corpora of tools/model/synth-corpora.sh.
# Usage: tools/model/train-source.sh [--dry-run] [CORPORA_ROOT [OUT_ROOT]]   (defaults: runs, runs/replay)
#   --dry-run prints the stage commands without running them.
# About 16.5 h on 2 CPU cores. Safe to stop and start again: a stage whose model is exported is skipped, and an
# unfinished stage resumes from its checkpoint.
#
# Every stage is the card's command with its final step count. Where the original run differs, the replay cannot
# match it bit for bit: stages v0.1 and v0.3 were stopped and resumed under a changed schedule, v0.4 resumed past the
# im2col bug, v0.7 added corpus 6 at step 2,500 of a longer schedule; v0.1-v0.4 trained without the band limiting (and
# v0.1 without the speed perturbation) that the source recipe now always applies; v0.1-v0.6 validated on the test
# half of the held-out set, the replay on dev.tsv (validation never changes the weights); and every original run held its
# audio as floats, the replay as 16-bit samples (Trainer.Example; about 1e-4 of a standard deviation apart).
# v0.10's run used `--threads 2`; the replay uses every core.
set -euo pipefail
cd "$(dirname "$0")/../.."
dry_run=false
if [[ ${1:-} == --dry-run ]]; then dry_run=true; shift; fi
corpora=${1:-runs}
out=${2:-runs/replay}
# The corpora of stages v0.7-v0.9 are 5-5.5 GiB of 16-bit samples in memory (the original runs held floats, in 17 GiB).
export TTA_JAVA_OPTS=${TTA_JAVA_OPTS:--Xmx11g}

c1=$corpora/synth/train.tsv
c2=$c1,$corpora/synth-festival/train.tsv
c3=$c2,$corpora/synth-variants/train.tsv
c4=$c3,$corpora/synth-variants-2/train.tsv
c5=$c4,$corpora/synth-natural/train.tsv
c6=$c5,$corpora/synth-hts/train.tsv
# v0.9's run leaves corpus 6 out and adds the two accent corpora.
c5_accent=$c5,$corpora/synth-accent/train.tsv,$corpora/synth-accent-2/train.tsv
# v0.10's run: corpora 1, 2 and 5 with the two GnuSpeech corpora.
c125_gnuspeech=$c2,$corpora/synth-natural/train.tsv,$corpora/synth-gnuspeech/train.tsv,$corpora/synth-gnuspeech-2/train.tsv

previous=""
# Runs one stage's command unless its model is exported already (or prints it under --dry-run); later stages start
# from it.
run_stage() {
  local name=$1; shift
  local dir=$out/source-$name
  previous=$dir
  if $dry_run; then echo "$*"; return; fi
  if [[ -f $dir/model/model.safetensors ]]; then echo "stage $name: done before ($dir/model)"; return; fi
  echo "stage $name: $*"
  mkdir -p "$dir"
  "$@" 2>&1 | tee -a "$dir/train.log"
}

stage() {
  local name=$1 manifests=$2; shift 2
  run_stage "$name" bin/tta train --manifest "$manifests" --config source --out "$out/source-$name" \
      ${previous:+--init "$previous/model"} "$@"
}

# The half-and-half average of two stages' models (tta average, a "model soup").
average() {
  local name=$1 first=$2 second=$3
  run_stage "$name" bin/tta average "$out/source-$first/model" "$out/source-$second/model" --out "$out/source-$name/model"
}

stage v0.1 "$c1" --steps 2600
stage v0.2 "$c2" --steps 1800
stage v0.3 "$c2" --steps 1500
stage v0.4 "$c3" --steps 2400
stage v0.5 "$c4" --steps 2000
stage v0.6 "$c5" --steps 2000
stage v0.7 "$c6" --steps 6750 --grow-layers 12
stage v0.8 "$c6" --steps 2500 --mask-feature-prob 0.15 --peak-lr 2.5e-4
stage v0.9-accent "$c5_accent" --steps 2250 --mask-feature-prob 0.15 --peak-lr 2e-4
average v0.9 v0.8 v0.9-accent
stage v0.10-gnuspeech "$c125_gnuspeech" --steps 1200 --mask-feature-prob 0.15 --peak-lr 2e-4
average v0.10 v0.9 v0.10-gnuspeech
$dry_run || echo "done: $out/source-v0.10/model; measure it with tools/model/evaluate.sh $out/source-v0.10/model"
