package io.ttastream.app.stream;

/** What {@link FrameValidator} makes of a record on {@link Topics#AUDIO_FRAMES}: a {@link Frame} or a {@link RejectedFrame}. */
sealed interface CheckedFrame permits Frame, RejectedFrame {
}
