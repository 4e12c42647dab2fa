package io.ttastream.adaptation.bench;

import io.ttastream.adaptation.data.Manifest;
import io.ttastream.asr.audio.AudioLoader;

import java.io.IOException;

/**
 * One utterance of a benchmark stream: which recording, in which domain, corrupted how.
 *
 * @param index      position in the stream, from 0
 * @param utterance  the manifest entry: audio file and reference transcript
 * @param domain     the domain's name, e.g. {@code BA} or {@code reverb}
 * @param corruption what turns the clean recording into this domain
 * @param seed       the corruption's seed, fixed by the stream's seed and the index
 */
public record StreamItem(int index, Manifest.Entry utterance, String domain, Corruption corruption, long seed) {

    /** Loads the recording at 16 kHz and applies the corruption. */
    public float[] audio() throws IOException {
        return corruption.apply(AudioLoader.load16k(utterance.audio()), seed);
    }
}
