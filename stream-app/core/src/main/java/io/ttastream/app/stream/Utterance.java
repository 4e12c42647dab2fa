package io.ttastream.app.stream;

import io.ttastream.asr.audio.Pcm16;
import org.apache.kafka.common.serialization.Serde;

/**
 * One assembled utterance, what the recogniser transcribes.
 *
 * @param stream        the stream (the frames' record key) it came from
 * @param scope         the adaptation scope whose weights transcribe it
 * @param id            the producer's utterance id ({@code #k} appended to the k-th continuation after a
 *                      max-length split), or {@code <stream>-<first seq>} when the producer gave none
 * @param firstSeq      sequence number of its first frame
 * @param lastSeq       sequence number of its last frame
 * @param sampleRate    samples per second
 * @param pcm           mono PCM16LE (stereo frames were averaged to mono)
 * @param closingReason why it ended
 */
public record Utterance(String stream, String scope, String id, long firstSeq, long lastSeq, int sampleRate,
                        byte[] pcm, ClosingReason closingReason) {

    /** The audio as mono samples in [-1, 1]. */
    public float[] samples() {
        return Pcm16.decode(pcm, 1);
    }

    public int sampleCount() {
        return pcm.length / 2;
    }

    public double audioSeconds() {
        return (double) sampleCount() / sampleRate;
    }

    /** The serde of the records that carry utterances to the task of their scope (a repartition topic, a Flink shuffle). */
    public static Serde<Utterance> serde() {
        return Binary.serde((u, out) -> {
            Binary.writeString(out, u.stream);
            Binary.writeString(out, u.scope);
            Binary.writeString(out, u.id);
            out.writeLong(u.firstSeq);
            out.writeLong(u.lastSeq);
            out.writeInt(u.sampleRate);
            Binary.writeBytes(out, u.pcm);
            Binary.writeString(out, u.closingReason.name());
        }, in -> new Utterance(Binary.readString(in), Binary.readString(in), Binary.readString(in), in.readLong(),
                in.readLong(), in.readInt(), Binary.readBytes(in), ClosingReason.valueOf(Binary.readString(in))));
    }
}
