package io.ttastream.app.stream;

import java.io.Serializable;
import java.time.Duration;
import java.util.Set;

/**
 * What the transcription pipeline (the Kafka Streams service and the Flink job alike) accepts and when it
 * closes an utterance.
 *
 * @param acceptedSampleRates frames at any other rate are rejected (the recogniser expects 16 kHz and the
 *                            service does not resample yet)
 * @param maxFrameBytes       larger frames are rejected
 * @param maxUtterance        an utterance that would grow past this is emitted and a new one started; keep the
 *                            PCM16 size (2 bytes a sample) under Kafka's default 1 MB record limit, since whole
 *                            utterances travel through a repartition topic
 * @param idleTimeout         an open utterance with no new frame for this long (wall-clock) is emitted
 * @param endpointSilence     after speech, this much continuous silence closes the utterance;
 *                            {@link Duration#ZERO} turns energy endpointing off
 * @param speechThresholdDbfs a frame whose RMS level is at least this (dB relative to full scale) counts as speech
 */
public record Config(Set<Integer> acceptedSampleRates, int maxFrameBytes, Duration maxUtterance,
                     Duration idleTimeout, Duration endpointSilence, double speechThresholdDbfs)
        implements Serializable {

    /** The recogniser's input rate. */
    public static final int SAMPLE_RATE_16K = 16_000;

    public Config {
        acceptedSampleRates = Set.copyOf(acceptedSampleRates);
        if (acceptedSampleRates.isEmpty() || acceptedSampleRates.stream().anyMatch(rate -> rate <= 0)) {
            throw new IllegalArgumentException("accepted sample rates must be positive and not empty: " + acceptedSampleRates);
        }
        if (maxFrameBytes <= 0) {
            throw new IllegalArgumentException("max frame bytes must be positive, got " + maxFrameBytes);
        }
        requirePositive("idle timeout", idleTimeout);
        requirePositive("max utterance", maxUtterance);
        if (endpointSilence.isNegative()) {
            throw new IllegalArgumentException("endpoint silence must not be negative, got " + endpointSilence);
        }
        // A single frame must fit in an utterance, or the max-length split could not keep its promise.
        int slowestRate = acceptedSampleRates.stream().min(Integer::compare).orElseThrow();
        long maxFrameSamples = maxFrameBytes / 2;
        if (samplesIn(maxUtterance, slowestRate) < maxFrameSamples) {
            throw new IllegalArgumentException("max utterance " + maxUtterance + " at " + slowestRate
                    + " Hz holds fewer samples than one max-size frame (" + maxFrameBytes + " bytes)");
        }
    }

    /**
     * 16 kHz only, frames up to 64 KiB (2 s of 16 kHz mono), utterances up to 20 s, 2 s idle timeout,
     * 0.8 s of silence below -45 dBFS ends an utterance.
     */
    public static Config defaults() {
        return new Config(Set.of(SAMPLE_RATE_16K), 64 * 1024, Duration.ofSeconds(20), Duration.ofSeconds(2),
                Duration.ofMillis(800), -45.0);
    }

    public Config withAcceptedSampleRates(Set<Integer> rates) {
        return new Config(rates, maxFrameBytes, maxUtterance, idleTimeout, endpointSilence, speechThresholdDbfs);
    }

    public Config withMaxFrameBytes(int bytes) {
        return new Config(acceptedSampleRates, bytes, maxUtterance, idleTimeout, endpointSilence, speechThresholdDbfs);
    }

    public Config withMaxUtterance(Duration max) {
        return new Config(acceptedSampleRates, maxFrameBytes, max, idleTimeout, endpointSilence, speechThresholdDbfs);
    }

    public Config withIdleTimeout(Duration timeout) {
        return new Config(acceptedSampleRates, maxFrameBytes, maxUtterance, timeout, endpointSilence, speechThresholdDbfs);
    }

    public Config withEndpointSilence(Duration silence) {
        return new Config(acceptedSampleRates, maxFrameBytes, maxUtterance, idleTimeout, silence, speechThresholdDbfs);
    }

    public Config withSpeechThresholdDbfs(double dbfs) {
        return new Config(acceptedSampleRates, maxFrameBytes, maxUtterance, idleTimeout, endpointSilence, dbfs);
    }

    /** How often the idle check runs: a quarter of the timeout, so an idle utterance waits at most 1.25 timeouts. */
    public Duration idleCheckInterval() {
        Duration quarter = idleTimeout.dividedBy(4);
        return quarter.toMillis() < 10 ? Duration.ofMillis(10) : quarter;
    }

    /** The number of samples {@code duration} holds at {@code sampleRate}, rounded down. */
    public static long samplesIn(Duration duration, int sampleRate) {
        return duration.toMillis() * sampleRate / 1000;
    }

    private static void requirePositive(String name, Duration duration) {
        if (duration.isZero() || duration.isNegative()) {
            throw new IllegalArgumentException(name + " must be positive, got " + duration);
        }
    }
}
