package io.ttastream.app.stream;

/** What {@link FrameRules} makes of a record on {@link Topics#AUDIO_FRAMES}: a {@link Frame} or a {@link RejectedFrame}. */
public sealed interface CheckedFrame permits Frame, RejectedFrame {
}
