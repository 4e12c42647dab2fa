package io.ttastream.app.stream;

import org.apache.kafka.common.serialization.Serde;

/**
 * What the assembler remembers about a stream's utterance in progress (its audio is stored apart, frame by
 * frame, so that each new frame costs one small write rather than a rewrite of the whole utterance).
 *
 * @param id                     the id the utterance will be emitted with
 * @param requestedId            the producer's utterance id, or null
 * @param part                   0, or k for the k-th continuation of the producer's utterance: after a max-length
 *                               split, or frames with its id that came after it was closed (silence, idle)
 * @param sampleCount            mono samples so far
 * @param heardSpeech            whether any frame so far was speech
 * @param trailingSilenceSamples mono samples of silence since the last speech frame
 * @param lastFrameWallMs        wall-clock time the last frame was processed, for the idle timeout
 * @param lastTimestamp          the last frame's record timestamp, given to the emitted utterance
 */
public record OpenUtterance(String id, String requestedId, String scope, int sampleRate, int part, long firstSeq,
                     long lastSeq, long sampleCount, boolean heardSpeech, long trailingSilenceSamples,
                     long lastFrameWallMs, long lastTimestamp) {

    /** An empty utterance that {@code frame} will open; {@code part} counts continuations of the producer's utterance. */
    public static OpenUtterance startingWith(Frame frame, int part) {
        String id = frame.utteranceId() == null ? frame.stream() + "-" + frame.seq()
                : part == 0 ? frame.utteranceId() : frame.utteranceId() + "#" + part;
        String scope = frame.scope() == null ? frame.stream() : frame.scope();
        return new OpenUtterance(id, frame.utteranceId(), scope, frame.sampleRate(), part, frame.seq(),
                frame.seq(), 0, false, 0, 0, 0);
    }

    /**
     * Whether {@code frame} belongs to this utterance: the same sample rate, and an utterance id and scope that
     * are either absent or the same (producers may send them on an utterance's first frame only).
     */
    public boolean isContinuedBy(Frame frame) {
        return frame.sampleRate() == sampleRate
                && (frame.utteranceId() == null || frame.utteranceId().equals(requestedId))
                && (frame.scope() == null || frame.scope().equals(scope));
    }

    /** This utterance with one more frame of {@code samples} mono samples appended. */
    public OpenUtterance append(Frame frame, int samples, boolean speech, long wallMs, long timestamp) {
        return new OpenUtterance(id, requestedId, scope, sampleRate, part, firstSeq, frame.seq(),
                sampleCount + samples, heardSpeech || speech, speech ? 0 : trailingSilenceSamples + samples,
                wallMs, timestamp);
    }

    public Utterance toUtterance(String stream, byte[] pcm, ClosingReason reason) {
        return new Utterance(stream, scope, id, firstSeq, lastSeq, sampleRate, pcm, reason);
    }

    /** The serde of the assembler's state (a Kafka Streams store, Flink keyed state). */
    public static Serde<OpenUtterance> serde() {
        return Binary.serde((u, out) -> {
            Binary.writeString(out, u.id);
            Binary.writeString(out, u.requestedId);
            Binary.writeString(out, u.scope);
            out.writeInt(u.sampleRate);
            out.writeInt(u.part);
            out.writeLong(u.firstSeq);
            out.writeLong(u.lastSeq);
            out.writeLong(u.sampleCount);
            out.writeBoolean(u.heardSpeech);
            out.writeLong(u.trailingSilenceSamples);
            out.writeLong(u.lastFrameWallMs);
            out.writeLong(u.lastTimestamp);
        }, in -> new OpenUtterance(Binary.readString(in), Binary.readString(in), Binary.readString(in), in.readInt(),
                in.readInt(), in.readLong(), in.readLong(), in.readLong(), in.readBoolean(), in.readLong(),
                in.readLong(), in.readLong()));
    }
}
