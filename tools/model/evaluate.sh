#!/usr/bin/env bash
# Measures a source model the way models/source/MODEL_CARD.md reports it:
# (a) held-out synthetic voices, (b) real speech, (c) real speech in real noise, each with and without SUTA.
# Usage: tools/model/evaluate.sh MODEL_DIR [HELDOUT_TSV [DECODER_OPTION...]]
#   HELDOUT_TSV defaults to runs/synth/heldout.tsv, written by `bin/tta synth` (see the README's training section).
#   DECODER_OPTIONs go to every `tta wer`, e.g. the card's beam search with a language model:
#   --decoder beam --lm-text ../shared/data/text/ljspeech-sentences.txt
#   --lm-exclude runs/synth/heldout.tsv,../shared/data/speech/ljspeech.tsv,../shared/data/speech/librivox.tsv
set -euo pipefail
cd "$(dirname "$0")/../.."
model=${1:?usage: tools/model/evaluate.sh MODEL_DIR [HELDOUT_TSV [DECODER_OPTION...]]}
heldout=${2:-runs/synth/heldout.tsv}
decoder_options=("${@:3}")
speech=../shared/data/speech
noises=(../shared/data/noise/background/running_tap.wav ../shared/data/noise/ms-snsd/AirConditioner_6.wav)

run() { echo; echo "## $1"; shift; bin/tta wer --model "$model" ${decoder_options[@]+"${decoder_options[@]}"} "$@" 2>&1 | grep -v '^WARNING: Using incubator' | grep -v '^\[' ; }

run "(a) held-out synthetic voices, first 100" --manifest "$heldout" --limit 100 --strategy source,suta
# The same 100 by voice (the file name ends in the voice's tag); paths made absolute for the temporary manifests.
by_voice=$(mktemp -d)
trap 'rm -rf "$by_voice"' EXIT
heldout_dir=$(cd "$(dirname "$heldout")" && pwd)
head -n 100 "$heldout" | sed "s#^#$heldout_dir/#" > "$by_voice/all.tsv"
for voice in $(cut -f1 "$by_voice/all.tsv" | sed 's#.*/[0-9]*-##; s#\.wav$##' | sort -u); do
  grep -- "-$voice.wav" "$by_voice/all.tsv" > "$by_voice/$voice.tsv"
  run "(a) held-out voice $voice" --manifest "$by_voice/$voice.tsv" --strategy source,suta
done
run "(b) real speech: LJ Speech (32)" --manifest "$speech/ljspeech.tsv" --strategy source,suta
run "(b) real speech: LibriVox (5)" --manifest "$speech/librivox.tsv" --strategy source,suta
for noise in "${noises[@]}"; do
  run "(c) LJ Speech + $(basename "$noise" .wav) at 5 dB SNR" --manifest "$speech/ljspeech.tsv" --noise "$noise" --snr 5 --strategy source,suta
done
