package io.ttastream.flink;

/** A JSON record for one of the output topics ({@code asr.transcripts}, {@code tta.events}). */
public record KeyedOutput(String topic, String key, String json) {
}
