// Speaks one sentence with GnuSpeech, an articulatory synthesizer (a tube model of the vocal tract driven by
// phonetic rules; npm @echogarden/gnuspeech-wasm, GPL-3.0, installed by `npm ci --prefix tools/gnuspeech`), as a
// speaker made from one of its voice presets: another vocal tract length and shape, pitch, breathiness and tempo.
// tta synth's gnuspeech: voices run it once per utterance; it writes a 44.1 kHz WAV file.
// Usage: node speak.mjs PRESET VOCAL_TRACT_CM TRACT_SHAPE PITCH_SHIFT_SEMITONES BREATHINESS_PERCENT TEMPO SEED TEXT_FILE OUT_WAV
// TRACT_SHAPE is nine comma-separated factors on the preset's radii: the tract's eight regions, glottis to lips,
// then the nasal tract (1,1,1,1,1,1,1,1,1 keeps the preset's shape).
import { readFileSync, writeFileSync } from 'node:fs';

const usage = 'usage: node speak.mjs PRESET VOCAL_TRACT_CM TRACT_SHAPE PITCH_SHIFT_SEMITONES BREATHINESS_PERCENT TEMPO SEED TEXT_FILE OUT_WAV';
if (process.argv.length !== 11) {
    console.error(usage);
    process.exit(2);
}
const [preset, vocalTractCm, tractShape, pitchShift, breathiness, tempo, seed, textFile, outWav] = process.argv.slice(2);
const presets = ['male', 'female', 'large_child', 'small_child', 'baby'];
if (!presets.includes(preset)) {
    console.error(`preset '${preset}' is not one of ${presets.join(', ')}; ${usage}`);
    process.exit(2);
}
const shapeFactors = tractShape.split(',').map(Number);
if (shapeFactors.length !== 9 || !shapeFactors.every(factor => factor > 0)) {
    console.error(`TRACT_SHAPE '${tractShape}' is not nine positive factors; ${usage}`);
    process.exit(2);
}

// The synthesizer's intonation drift draws from the system's randomness (WASI random_get, which reads
// crypto.getRandomValues): a seeded generator in its place makes the same arguments give the same audio.
let state = Number(seed) >>> 0;
function nextByte() { // mulberry32
    state = (state + 0x6d2b79f5) >>> 0;
    let t = Math.imul(state ^ (state >>> 15), state | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) & 0xff;
}
function getRandomValues(view) {
    const bytes = new Uint8Array(view.buffer, view.byteOffset, view.byteLength);
    for (let i = 0; i < bytes.length; i++) {
        bytes[i] = nextByte();
    }
    return view;
}
Object.defineProperty(globalThis, 'crypto', { value: { getRandomValues } });
const { default: initialize } = await import(
    new URL('./node_modules/@echogarden/gnuspeech-wasm/wasm/gnuspeech.js', import.meta.url).href);
const gnuspeech = await initialize();
const config = '/data/en'; // the package's configuration, in the module's in-memory file system

// The preset's voice file with this speaker's values in place of its own; the pitch moves from the preset's, and
// the region and nose radius coefficients are the preset's times the shape factors.
const presetVoice = gnuspeech.FS.readFile(`${config}/voice_${preset}.txt`, { encoding: 'utf8' });
const presetPitch = Number(/reference_glottal_pitch = (\S+)/.exec(presetVoice)[1]);
const shapedKeys = ['1', '2', '3', '4', '5', '6', '7', '8'].map(region => `radius_${region}_coef`)
    .concat('global_nose_radius_coef');
gnuspeech.FS.writeFile(`${config}/voice_speaker.txt`, presetVoice
    .replace(/vocal_tract_length = \S+/, `vocal_tract_length = ${vocalTractCm}`)
    .replace(/reference_glottal_pitch = \S+/, `reference_glottal_pitch = ${presetPitch + Number(pitchShift)}`)
    .replace(/breathiness = \S+/, `breathiness = ${breathiness}`)
    .replace(/^(\w+) = (\S+)$/gm, (line, key, value) => shapedKeys.includes(key)
        ? `${key} = ${Number(value) * shapeFactors[shapedKeys.indexOf(key)]}` : line));
gnuspeech.FS.writeFile(`${config}/trm_control_model.txt`,
    gnuspeech.FS.readFile(`${config}/trm_control_model.txt`, { encoding: 'utf8' })
        .replace(/^voice_name = \S+/m, 'voice_name = speaker')
        .replace(/^tempo = \S+/m, `tempo = ${tempo}`));

function cString(text) {
    const bytes = new TextEncoder().encode(text + '\0');
    const address = gnuspeech._malloc(bytes.length);
    gnuspeech.HEAPU8.set(bytes, address);
    return address;
}
gnuspeech._GnuSpeech_synthesizeToFile(cString(readFileSync(textFile, 'utf8')), cString('/out.wav'), cString(config),
    cString('/parameters.txt'), false);
writeFileSync(outWav, gnuspeech.FS.readFile('/out.wav'));
