package io.ttastream.app.stream;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;

/** The Kafka topics the transcription pipeline reads and writes. */
public final class Topics {

    /** Speech frames in: key = stream id, value = raw PCM16LE bytes, headers as in {@link FrameHeaders}. */
    public static final String AUDIO_FRAMES = "audio.frames";

    /** Rejected frames: the original key, value and headers plus {@link FrameHeaders#REASON} and {@link FrameHeaders#ERROR}. */
    public static final String AUDIO_FRAMES_DLQ = "audio.frames.dlq";

    /**
     * Utterances the recogniser failed on, keyed by stream id: one frame each (value: the utterance's mono PCM16LE
     * audio; headers: those of an end-of-utterance frame plus {@link FrameHeaders#REASON} {@code
     * recognition_failed} and {@link FrameHeaders#ERROR}), see {@link FailedUtterance}.
     */
    public static final String UTTERANCES_DLQ = "asr.utterances.dlq";

    /** One JSON transcript per utterance, keyed by stream id. */
    public static final String ASR_TRANSCRIPTS = "asr.transcripts";

    /** JSON events the recogniser reports (slow updates, resets, drift), keyed by adaptation scope. */
    public static final String TTA_EVENTS = "tta.events";

    /**
     * Reference transcripts, when a user has them (a labelled test stream, human corrections): key = stream id,
     * value = JSON {@code {"utterance": "<utterance id>", "text": "<what was said>"}}. The Kafka Streams service
     * joins them with the transcripts to report online word error rates of the adapted and the source decoding.
     */
    public static final String ASR_REFERENCES = "asr.references";

    /** The topics the pipeline reads and writes. */
    public static final List<String> ALL = List.of(AUDIO_FRAMES, AUDIO_FRAMES_DLQ, UTTERANCES_DLQ, ASR_TRANSCRIPTS, TTA_EVENTS,
            ASR_REFERENCES);

    private Topics() {
    }

    /** Creates those of {@link #ALL} that are missing, with {@code partitions} partitions and replication 1. */
    public static void createMissing(String bootstrap, int partitions) throws ExecutionException, InterruptedException {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            Set<String> existing = admin.listTopics().names().get();
            List<NewTopic> missing = new ArrayList<>();
            for (String topic : ALL) {
                if (!existing.contains(topic)) {
                    missing.add(new NewTopic(topic, partitions, (short) 1));
                }
            }
            if (!missing.isEmpty()) {
                admin.createTopics(missing).all().get();
            }
        }
    }
}
