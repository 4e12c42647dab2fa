#!/usr/bin/env bash
# Speaks the synthetic corpora that the source model (1-8, 12 and 13) and its experiments (all sixteen) train on (models/source/MODEL_CARD.md, "Data").
# Needs Debian's espeak-ng, flite, festival, festvox-kallpc16k, festvox-kdlpc16k and festvox-us-slt-hts, and for corpora 7-8
# festvox-italp16k festvox-itapc16k festvox-czech-dita festvox-czech-machac festvox-czech-ph festvox-suopuhe-mv (and festvox-czech-krb for corpus 10, festvox-ru for 11, festvox-hi-nsk for 16),
# and for corpora 12-15 node with `npm ci --prefix tools/gnuspeech`.
# Usage: tools/model/synth-corpora.sh [OUT_ROOT [CORPUS...]]   (default: runs, every corpus; `runs 1 2 3 4 5 6 7 8 12 13`
# makes only the ten the committed model trains on, skipping the experiments' 9-11 and 14-16). Corpus 1 is always made: the others
# exclude its held-out sentences. 10.5 GB in all; on 2 cores corpora 1-5 take about 45 minutes, corpus 6 about 17 minutes
# (an earlier run took 80), 7-8 about 7 minutes each, 9 about 2 minutes, 10 and 11 took 24 and 35 minutes on one core
# beside a training run, 12-15 about 17-21 minutes each beside another synthesis or evaluation, 16 about 6 minutes.
# Safe to stop and run again: --resume keeps every WAV file already spoken (change a step's options and delete its
# folder first, or the kept files belong to the old options).
set -euo pipefail
cd "$(dirname "$0")/../.."
out=${1:-runs}
wanted_corpora=("${@:2}")
# speak N OPTIONS...: makes corpus N with `tta synth OPTIONS` when it was asked for (no list asks for all).
speak() {
  if [[ ${#wanted_corpora[@]} -eq 0 || " ${wanted_corpora[*]} " == *" $1 "* ]]; then
    bin/tta synth --resume --text "$text" "${@:2}"
  fi
}
text=../shared/data/text/ljspeech-sentences.txt

# 1. 2,000 sentences by 15 espeak-ng and flite voices, and the held-out set: 200 other sentences by
#    3 voices never trained on (espeak en-us+f4 and en-gb-x-gbclan+m1, flite awb), in heldout.tsv; its second half
#    is also dev.tsv (validation during training, decoder tuning), so the first half stays the test set.
bin/tta synth --resume --text "$text" --out "$out/synth"

# 2. The first 1,500 of those training sentences (same seed) by festival's two diphone voices and its HTS voice.
speak 2 --out "$out/synth-festival" --count 1500 --held-out-count 0 \
    --voices festival:kal_diphone,festival:ked_diphone,festival:cmu_us_slt_arctic_hts

# 3. 6,000 sentences in another order (seed 2), none of them held out, by 81 espeak-ng voice variants spread
#    over six accents, flite's kal, kal16, rms and slt, and the festival voices. Variants f4 and m1 and the
#    Lancaster accent (en-gb-x-gbclan) stay out, so both held-out espeak voices keep an unseen part; so does
#    flite awb (and awb_time, the same speaker). Robotic, whispering and novelty variants are left out too.
accents=(en-us en-gb en-gb-scotland en-gb-x-rp en-gb-x-gbcwmd en-029)
variants=(Alex Alicia Andrea Andy Annie AnxiousAndy Denis Diogo Gene Gene2 Henrique Hugo Jacky Lee Marco Mario
    Michael Mike Nguyen RicishayMax Storm Tweaky adam anika antonio aunty belinda benjamin boris caleb croak david
    ed edward edward2 f1 f2 f3 f5 grandma grandpa gustave iven iven2 iven3 iven4 john kaukovalta klatt klatt2
    klatt3 klatt4 klatt5 klatt6 linda m2 m3 m4 m5 m6 m7 m8 marcelo max michel miguel norbert pablo paul pedro
    quincy rob robert sandro shelby steph steph2 steph3 travis victor zac)
# Variant i speaks with accent (i + shift) mod 6.
variant_voices() {
  local shift=$1 voices=()
  for i in "${!variants[@]}"; do
    voices+=("espeak:${accents[$(((i + shift) % ${#accents[@]}))]}+${variants[$i]}")
  done
  voices+=(flite:kal flite:kal16 flite:rms flite:slt festival:kal_diphone festival:ked_diphone festival:cmu_us_slt_arctic_hts)
  (IFS=,; echo "${voices[*]}")
}
speak 3 --out "$out/synth-variants" --seed 2 --count 6000 --held-out-count 0 \
    --exclude "$out/synth/heldout.tsv" --voices "$(variant_voices 0)"

# 4. 6,000 sentences in a third order (seed 3) by the same voices, each espeak variant in another accent than in 3.
speak 4 --out "$out/synth-variants-2" --seed 3 --count 6000 --held-out-count 0 \
    --exclude "$out/synth/heldout.tsv" --voices "$(variant_voices 3)"

# 5. 8,000 sentences in a fourth order (seed 4) by the seven flite and festival training voices alone. In corpora 1-4
#    they speak 2,851 of 15,500 utterances, and on unseen sentences v0.5 transcribed them at 24-31% CER against 11% for
#    the held-out espeak voices: the voices unlike espeak's formant synthesis needed more data, not other voices.
speak 5 --out "$out/synth-natural" --seed 4 --count 8000 --held-out-count 0 \
    --exclude "$out/synth/heldout.tsv" \
    --voices flite:kal,flite:kal16,flite:rms,flite:slt,festival:kal_diphone,festival:ked_diphone,festival:cmu_us_slt_arctic_hts

# 6. 4,000 sentences in a fifth order (seed 5) by 30 speakers made from festival's slt HTS voice: all-pass constants
#    0.37-0.53 (the voice's own is 0.45) move its formants, F0 ratios 0.55-1.15 its pitch (0.55-0.65 is a male range).
#    Corpora 1-5 have only four natural-sounding speakers (kal, ked, rms, slt); held-out flite awb is a fifth.
hts_voices=()
for alpha in 0.37 0.40 0.43 0.47 0.50 0.53; do
  for f0 in 0.55 0.65 0.8 1.0 1.15; do hts_voices+=("hts:$alpha/$f0"); done
done
speak 6 --out "$out/synth-hts" --seed 5 --count 4000 --held-out-count 0 \
    --exclude "$out/synth/heldout.tsv" --voices "$(IFS=,; echo "${hts_voices[*]}")"

# 7. 3,600 sentences in a sixth order (seed 6) by festival's Italian, Czech and
#    Finnish voices speaking English through accent.scm's phone mapping: six more real speakers. The held-out and
#    real-speech sentences are excluded.
accent_exclude=$out/synth/heldout.tsv,../shared/data/speech/ljspeech.tsv,../shared/data/speech/librivox.tsv
accent_voices=accent:pc_diphone,accent:lp_diphone,accent:czech_dita,accent:czech_machac,accent:czech_ph,accent:hy_fi_mv_diphone
speak 7 --out "$out/synth-accent" --seed 6 --count 3600 --held-out-count 0 \
    --exclude "$accent_exclude" \
    --voices "$accent_voices"

# 8. 3,600 more in a seventh order (seed 7) by the same six voices. Corpora 7 and 8 are used from v0.9 on.
speak 8 --out "$out/synth-accent-2" --seed 7 --count 3600 --held-out-count 0 \
    --exclude "$accent_exclude" \
    --voices "$accent_voices"

# 9. 4,000 sentences in an eighth order (seed 9) by 24 speakers made from flite's four training voices played
#    0.84-1.16 times as fast (warp:VOICE/FACTOR): pitch and formants move together, as another vocal tract's would.
#    Held-out flite awb is a voice none of the others resembles; these give the flite family more speakers.
warp_voices=()
for voice in kal kal16 rms slt; do
  for factor in 0.84 0.88 0.92 1.08 1.12 1.16; do warp_voices+=("warp:$voice/$factor"); done
done
speak 9 --out "$out/synth-warp" --seed 9 --count 4000 --held-out-count 0 \
    --exclude "$accent_exclude" --voices "$(IFS=,; echo "${warp_voices[*]}")"

# 10. 3,600 sentences in a ninth order (seed 10) by the seven accent voices (festival's Czech boy, czech_krb, too), each at
#     two pitches (accent:VOICE/F0RATIO scales kal_diphone's pitch targets): the women and the boy at their own pitch, the
#     men a little lower and higher. Fourteen more speakers of natural recorded sound.
pitched_accent_voices=accent:pc_diphone/0.85,accent:pc_diphone/1.15,accent:lp_diphone/1.50,accent:lp_diphone/1.75
pitched_accent_voices+=,accent:czech_dita/1.60,accent:czech_dita/1.90,accent:czech_machac/0.90,accent:czech_machac/1.20
pitched_accent_voices+=,accent:czech_ph/0.85,accent:czech_ph/1.15,accent:czech_krb/1.90,accent:czech_krb/2.30
pitched_accent_voices+=,accent:hy_fi_mv_diphone/0.90,accent:hy_fi_mv_diphone/1.20
speak 10 --out "$out/synth-accent-pitch" --seed 10 --count 3600 --held-out-count 0 \
    --exclude "$accent_exclude" --voices "$pitched_accent_voices"

# 11. 2,400 sentences in a tenth order (seed 11) by festival's Russian unit-selection voice (festvox-ru): one real man's
#     recorded phones, joined with their own durations and pitch. A side-by-side run found it no help: no model uses it.
speak 11 --out "$out/synth-russian" --seed 11 --count 2400 --held-out-count 0 \
    --exclude "$accent_exclude" --voices accent:msu_ru_nsh_clunits

# 12. 2,400 sentences in an eleventh order (seed 12) by eight speakers of GnuSpeech, an articulatory synthesizer (npm;
#     node and `npm ci --prefix tools/gnuspeech`): its male preset with 16-19 cm vocal tracts, female with 14-16 cm,
#     large_child with 12.5 cm, each utterance at its own pitch and breathiness. A vocal tract model, not recordings
#     or formant rules: speakers unlike every engine above. A side-by-side run moved held-out awb about a point on both
#     halves of the held-out set. Used from v0.10 on.
gnuspeech_voices=gnuspeech:male/16.0,gnuspeech:female/14.0,gnuspeech:male/17.0,gnuspeech:female/15.0
gnuspeech_voices+=,gnuspeech:male/18.0,gnuspeech:large_child/12.5,gnuspeech:male/19.0,gnuspeech:female/16.0
speak 12 --out "$out/synth-gnuspeech" --seed 12 --count 2400 --held-out-count 0 \
    --exclude "$accent_exclude" --voices "$gnuspeech_voices"
# 13. 2,400 sentences in a twelfth order (seed 13) by sixteen more GnuSpeech speakers, their vocal tracts between corpus 12's
#     and beyond them (male 14.5-20 cm, female 13.5-17.5 cm, children 11-14 cm): more speakers of the one engine that
#     moved awb. Used from v0.10 on, whose run trains on corpora 1, 2, 5, 12 and 13.
gnuspeech_voices_2=gnuspeech:male/15.5,gnuspeech:female/13.5,gnuspeech:male/16.5,gnuspeech:female/14.5,gnuspeech:male/17.5
gnuspeech_voices_2+=,gnuspeech:female/15.5,gnuspeech:male/18.5,gnuspeech:female/16.5,gnuspeech:male/19.5,gnuspeech:female/17.5
gnuspeech_voices_2+=,gnuspeech:male/20.0,gnuspeech:large_child/11.5,gnuspeech:male/14.5,gnuspeech:large_child/13.5
gnuspeech_voices_2+=,gnuspeech:small_child/11.0,gnuspeech:large_child/14.0
speak 13 --out "$out/synth-gnuspeech-2" --seed 13 --count 2400 --held-out-count 0 \
    --exclude "$accent_exclude" --voices "$gnuspeech_voices_2"
# 14. 2,400 sentences in a thirteenth order (seed 14) by GnuSpeech speakers whose vocal tract length is drawn per
#     utterance from four ranges (male 14.5-17 and 17-20 cm, female 13-17.5 cm, large child 11-14 cm): a new speaker
#     every utterance. No model uses it: a side-by-side run did worse than v0.10's (MODEL_CARD, "Training").
gnuspeech_ranges=gnuspeech:male/14.5-17.0,gnuspeech:male/17.0-20.0,gnuspeech:female/13.0-17.5,gnuspeech:large_child/11.0-14.0
speak 14 --out "$out/synth-gnuspeech-3" --seed 14 --count 2400 --held-out-count 0 \
    --exclude "$accent_exclude" --voices "$gnuspeech_ranges"
# 15. 2,400 sentences in a fourteenth order (seed 15) by the same ranges with reshaped tracts: each utterance widens or
#     narrows each of the eight tract regions and the nasal tract by its own factor within 1 +- 0.2 (/0.20). No model
#     uses it: with corpus 14 beside it, a side-by-side run did worse still.
gnuspeech_shaped_ranges=gnuspeech:male/14.5-17.0/0.20,gnuspeech:male/17.0-20.0/0.20,gnuspeech:female/13.0-17.5/0.20
gnuspeech_shaped_ranges+=,gnuspeech:large_child/11.0-14.0/0.20
speak 15 --out "$out/synth-gnuspeech-4" --seed 15 --count 2400 --held-out-count 0 \
    --exclude "$accent_exclude" --voices "$gnuspeech_shaped_ranges"
# 16. 2,400 sentences in a fifteenth order (seed 16) by festival's Hindi diphone voice (festvox-hi-nsk; Marathi's and
#     Telugu's are the same man's recordings) speaking English with an Indian accent (retroflex t and d, dental th and
#     dh, w as v), at four pitches. One more real speaker, LPC diphones like corpus 7's. No model uses it: in v0.10's
#     recipe from v0.9 it made the held-out and real-speech sets worse (MODEL_CARD, "Training").
hindi_voices=accent:hindi_NSK_diphone/0.85,accent:hindi_NSK_diphone/1.00,accent:hindi_NSK_diphone/1.15,accent:hindi_NSK_diphone/1.30
speak 16 --out "$out/synth-hindi" --seed 16 --count 2400 --held-out-count 0 \
    --exclude "$accent_exclude" --voices "$hindi_voices"
