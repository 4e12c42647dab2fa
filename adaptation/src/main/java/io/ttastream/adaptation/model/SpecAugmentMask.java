package io.ttastream.adaptation.model;

/**
 * SpecAugment-style masks for one training utterance, applied to the projected features as Hugging Face's
 * Wav2Vec2 does in training mode: every masked frame is replaced by the learned masked_spec_embed vector, then every
 * masked channel is zeroed in all frames (including the replaced ones).
 *
 * @param frames   one entry per frame, true where masked; null masks no frame
 * @param channels one entry per hidden channel, true where masked; null masks no channel
 */
public record SpecAugmentMask(boolean[] frames, boolean[] channels) {

    /** Frames only: the masks the project trained with before channel masking existed. */
    public static SpecAugmentMask ofFrames(boolean[] frames) {
        return new SpecAugmentMask(frames, null);
    }

    public boolean isEmpty() {
        return frames == null && channels == null;
    }
}
