package io.ttastream.app.stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TranscriptionTopologyTest {

    private static final String APP = "tta-test";
    /** 100 ms at 16 kHz: the frame size these tests send. */
    private static final int FRAME_SAMPLES = 1600;
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path stateDir;

    private TopologyTestDriver driver;
    private TestInputTopic<String, byte[]> frames;
    private TestOutputTopic<String, byte[]> deadLetters;
    private TestOutputTopic<String, byte[]> failedUtterances;
    private TestOutputTopic<String, String> transcripts;
    private TestOutputTopic<String, String> events;

    /** What the fake recogniser was given, in order. */
    private final List<Utterance> recognized = new ArrayList<>();
    private double entropyAfter = 1.25;
    private long recognitionSleepMs = 0;
    /** The utterance the fake recogniser throws on, or null. */
    private String failOn;

    /** A stand-in recogniser: names the utterance in its text and reports one event per utterance. */
    private final Recognizer fake = utterance -> {
        recognized.add(utterance);
        if (utterance.id().equals(failOn)) {
            throw new IllegalStateException("cannot take " + utterance.id());
        }
        sleep(recognitionSleepMs);
        return new Recognizer.Result("words of " + utterance.id(), "other words of " + utterance.id(), 2.5, entropyAfter,
                "fake", "v7",
                List.of(new Recognizer.Event("slow_update", Map.of("items", 5))));
    };

    private void start(Config config) {
        driver = new TopologyTestDriver(TranscriptionTopology.build(config, fake),
                TranscriptionTopology.properties(APP, "unused:9092", stateDir), Instant.EPOCH);
        frames = driver.createInputTopic(Topics.AUDIO_FRAMES, Serdes.String().serializer(), Serdes.ByteArray().serializer());
        deadLetters = driver.createOutputTopic(Topics.AUDIO_FRAMES_DLQ, Serdes.String().deserializer(), Serdes.ByteArray().deserializer());
        failedUtterances = driver.createOutputTopic(Topics.UTTERANCES_DLQ, Serdes.String().deserializer(), Serdes.ByteArray().deserializer());
        transcripts = driver.createOutputTopic(Topics.ASR_TRANSCRIPTS, Serdes.String().deserializer(), Serdes.String().deserializer());
        events = driver.createOutputTopic(Topics.TTA_EVENTS, Serdes.String().deserializer(), Serdes.String().deserializer());
    }

    @AfterEach
    void stop() {
        if (driver != null) {
            driver.close();
        }
    }

    @Test
    void interleavedStreamsAssembleIntoTheirOwnUtterancesInOrder() {
        start(Config.defaults());
        TestFrame a0 = speech("a", 0), b0 = speech("b", 0), a1 = speech("a", 1), b1 = speech("b", 1);
        TestFrame a2 = speech("a", 2).eou(), b2 = speech("b", 2).eou();
        for (TestFrame frame : List.of(a0, b0, a1, b1, a2, b2)) {
            send(frame);
        }

        assertEquals(2, recognized.size());
        assertUtterance(recognized.get(0), "a", "a-0", 0, 2, ClosingReason.END_OF_UTTERANCE, a0, a1, a2);
        assertUtterance(recognized.get(1), "b", "b-0", 0, 2, ClosingReason.END_OF_UTTERANCE, b0, b1, b2);
        assertEquals(List.of("a", "b"), transcripts.readKeyValuesToList().stream().map(kv -> kv.key).toList());
        assertTrue(deadLetters.isEmpty());
    }

    @Test
    void stereoFramesAreAveragedToMono() {
        start(Config.defaults());
        send(new TestFrame("a", 0, pcm(1000, 3000, -2000, -4000)).header(FrameHeaders.CHANNELS, "2").eou());

        assertArrayEquals(pcm(2000, -3000), recognized.get(0).pcm());
    }

    @Test
    void everyInvalidFrameGoesToTheDeadLetterTopicWithItsReasonAndTheStreamGoesOn() {
        start(Config.defaults().withMaxFrameBytes(4000));
        TestFrame first = speech("a", 0);
        TestFrame later = speech("a", 5);
        send(first);

        assertRejected(speech("a", 1).key(null), RejectReason.BAD_KEY, "key");
        assertRejected(speech("a", 1).key("a\0b"), RejectReason.BAD_KEY, "NUL");
        assertRejected(speech("a", 1).header(FrameHeaders.SEQ, null), RejectReason.MISSING_HEADER, "seq");
        assertRejected(speech("a", 1).header(FrameHeaders.SEQ, "one"), RejectReason.BAD_HEADER, "'one'");
        assertRejected(speech("a", 1).header(FrameHeaders.SEQ, "-1"), RejectReason.BAD_HEADER, "negative");
        assertRejected(speech("a", 1).header(FrameHeaders.SAMPLE_RATE, null), RejectReason.MISSING_HEADER, "sample_rate");
        assertRejected(speech("a", 1).header(FrameHeaders.SAMPLE_RATE, "99999999999"), RejectReason.BAD_HEADER, "int range");
        assertRejected(speech("a", 1).header(FrameHeaders.CHANNELS, null), RejectReason.MISSING_HEADER, "channels");
        assertRejected(speech("a", 1).header(FrameHeaders.END_OF_UTTERANCE, null), RejectReason.MISSING_HEADER, "eou");
        assertRejected(speech("a", 1).header(FrameHeaders.END_OF_UTTERANCE, "yes"), RejectReason.BAD_HEADER, "true or false");
        assertRejected(speech("a", 1).header(FrameHeaders.SAMPLE_RATE, "8000"), RejectReason.UNSUPPORTED_SAMPLE_RATE, "expected one of [16000]");
        assertRejected(speech("a", 1).header(FrameHeaders.CHANNELS, "3"), RejectReason.UNSUPPORTED_CHANNELS, "expected 1 or 2");
        assertRejected(new TestFrame("a", 1, new byte[0]), RejectReason.EMPTY_FRAME, "no audio");
        assertRejected(new TestFrame("a", 1, null), RejectReason.EMPTY_FRAME, "no audio");
        assertRejected(new TestFrame("a", 1, new byte[4002]), RejectReason.OVERSIZE_FRAME, "at most 4000");
        assertRejected(new TestFrame("a", 1, new byte[3]), RejectReason.INCOMPLETE_SAMPLE, "3 bytes");
        assertRejected(new TestFrame("a", 1, new byte[6]).header(FrameHeaders.CHANNELS, "2"), RejectReason.INCOMPLETE_SAMPLE, "4 bytes each");
        assertRejected(speech("a", 0), RejectReason.DUPLICATE_SEQUENCE, "last accepted 0");
        send(later);
        assertRejected(speech("a", 3), RejectReason.OUT_OF_ORDER_SEQUENCE, "last accepted 5");

        TestFrame last = speech("a", 6).eou();
        send(last);
        assertEquals(1, recognized.size());
        assertUtterance(recognized.get(0), "a", "a-0", 0, 6, ClosingReason.END_OF_UTTERANCE, first, later, last);
    }

    @Test
    void anUtteranceTheRecogniserThrowsOnGoesToItsDeadLetterTopicAsOneFrameAndTheStreamGoesOn() {
        failOn = "hello";
        start(Config.defaults());
        TestFrame first = speech("cam-1", 7).header(FrameHeaders.SCOPE, "site-1").header(FrameHeaders.UTTERANCE_ID, "hello");
        TestFrame last = speech("cam-1", 8).eou();
        send(first);
        send(last);
        send(speech("cam-1", 9).eou());

        TestRecord<String, byte[]> failed = failedUtterances.readRecord();
        assertEquals("cam-1", failed.key());
        assertArrayEquals(concatenated(first, last), failed.value());
        Map<String, String> expectedHeaders = Map.of(FrameHeaders.SEQ, "7", FrameHeaders.SAMPLE_RATE, "16000",
                FrameHeaders.CHANNELS, "1", FrameHeaders.END_OF_UTTERANCE, "true", FrameHeaders.UTTERANCE_ID, "hello",
                FrameHeaders.SCOPE, "site-1", FrameHeaders.REASON, "recognition_failed",
                FrameHeaders.ERROR, "IllegalStateException: cannot take hello");
        expectedHeaders.forEach((name, value) -> assertEquals(value, header(failed.headers(), name), name));
        assertEquals(expectedHeaders.size(), failed.headers().toArray().length);
        assertTrue(failedUtterances.isEmpty());

        // Nothing else was written for it, and the next utterance of the stream is transcribed.
        assertEquals(List.of("words of cam-1-9"), transcripts.readValuesToList().stream()
                .map(text -> json(text).get("text").asText()).toList());
        assertEquals(1, events.readValuesToList().size());
        assertTrue(deadLetters.isEmpty());
    }

    @Test
    void acceptedSampleRatesAreConfigurableAndARateChangeStartsANewUtterance() {
        start(Config.defaults().withAcceptedSampleRates(Set.of(8000, 16000)));
        TestFrame wide = speech("a", 0);
        send(wide);
        send(speech("a", 1).header(FrameHeaders.SAMPLE_RATE, "8000").eou());

        assertTrue(deadLetters.isEmpty());
        assertUtterance(recognized.get(0), "a", "a-0", 0, 0, ClosingReason.INTERRUPTED, wide);
        assertEquals(8000, recognized.get(1).sampleRate());
        assertEquals(0.2, recognized.get(1).audioSeconds(), 1e-12);
    }

    @Test
    void replayedFramesAreSkippedNotAppendedTwice() {
        start(Config.defaults());
        TestFrame f0 = speech("a", 0), f1 = speech("a", 1);
        send(f0);
        send(f1);
        send(f0); // as if re-read after a crash under at-least-once
        send(f1);
        TestFrame f2 = speech("a", 2).eou();
        send(f2);

        assertEquals(List.of("out_of_order_sequence", "duplicate_sequence"),
                deadLetters.readRecordsToList().stream().map(r -> header(r.headers(), FrameHeaders.REASON)).toList());
        assertUtterance(recognized.get(0), "a", "a-0", 0, 2, ClosingReason.END_OF_UTTERANCE, f0, f1, f2);
    }

    @Test
    void silenceAfterSpeechEndsTheUtterance() {
        start(Config.defaults().withEndpointSilence(Duration.ofMillis(300)));
        TestFrame s0 = speech("a", 0), s1 = speech("a", 1), q2 = silence("a", 2), q3 = silence("a", 3), q4 = silence("a", 4);
        for (TestFrame frame : List.of(s0, s1, q2, q3)) {
            send(frame);
        }
        assertTrue(recognized.isEmpty(), "200 ms of silence is not yet the 300 ms endpoint");
        send(q4);
        assertUtterance(recognized.get(0), "a", "a-0", 0, 4, ClosingReason.SILENCE, s0, s1, q2, q3, q4);

        // Silence with no speech before it never endpoints; the next speech and its silence do.
        for (long seq = 5; seq < 10; seq++) {
            send(silence("a", seq));
        }
        assertEquals(1, recognized.size());
        send(speech("a", 10));
        for (long seq = 11; seq < 14; seq++) {
            send(silence("a", seq));
        }
        assertEquals(2, recognized.size());
        assertEquals(5, recognized.get(1).firstSeq());
        assertEquals(13, recognized.get(1).lastSeq());
        assertEquals(ClosingReason.SILENCE, recognized.get(1).closingReason());
    }

    @Test
    void quietButAboveTheThresholdIsSpeech() {
        // A sine of amplitude 0.01 has an RMS of -43 dBFS: speech at -45, silence at -40.
        byte[] quiet = sine(0.01);
        start(Config.defaults().withEndpointSilence(Duration.ofMillis(100)).withSpeechThresholdDbfs(-40));
        send(speech("a", 0));
        send(new TestFrame("a", 1, quiet));
        assertEquals(ClosingReason.SILENCE, recognized.get(0).closingReason());
        driver.close();
        recognized.clear();

        start(Config.defaults().withEndpointSilence(Duration.ofMillis(100)).withSpeechThresholdDbfs(-45));
        send(speech("a", 0));
        send(new TestFrame("a", 1, quiet));
        assertTrue(recognized.isEmpty());
    }

    @Test
    void anUtteranceWithNoNewFrameForTheIdleTimeoutIsEmitted() {
        start(Config.defaults().withIdleTimeout(Duration.ofSeconds(2)));
        TestFrame a0 = speech("a", 0), a1 = speech("a", 1);
        send(a0);
        send(a1);
        driver.advanceWallClockTime(Duration.ofSeconds(1));
        TestFrame b0 = speech("b", 0);
        send(b0);
        driver.advanceWallClockTime(Duration.ofMillis(900));
        assertTrue(recognized.isEmpty(), "1.9 s idle is within the timeout");

        driver.advanceWallClockTime(Duration.ofMillis(600)); // a: 2.5 s idle, b: 1.5 s
        assertEquals(1, recognized.size());
        assertUtterance(recognized.get(0), "a", "a-0", 0, 1, ClosingReason.IDLE_TIMEOUT, a0, a1);

        driver.advanceWallClockTime(Duration.ofSeconds(1));
        assertEquals(2, recognized.size());
        assertUtterance(recognized.get(1), "b", "b-0", 0, 0, ClosingReason.IDLE_TIMEOUT, b0);
    }

    @Test
    void anUtteranceLongerThanTheMaximumIsSplitIntoParts() {
        start(Config.defaults().withMaxFrameBytes(8000).withMaxUtterance(Duration.ofMillis(250)));
        List<TestFrame> sent = new ArrayList<>();
        for (long seq = 0; seq < 5; seq++) {
            TestFrame frame = speech("a", seq).header(FrameHeaders.UTTERANCE_ID, "u1");
            sent.add(seq == 4 ? frame.eou() : frame);
            send(sent.get((int) seq));
        }

        assertEquals(3, recognized.size());
        assertUtterance(recognized.get(0), "a", "u1", 0, 1, ClosingReason.MAX_LENGTH, sent.get(0), sent.get(1));
        assertUtterance(recognized.get(1), "a", "u1#1", 2, 3, ClosingReason.MAX_LENGTH, sent.get(2), sent.get(3));
        assertUtterance(recognized.get(2), "a", "u1#2", 4, 4, ClosingReason.END_OF_UTTERANCE, sent.get(4));
    }

    @Test
    void framesOfAProducerUtteranceAfterItWasClosedGetTheirOwnId() {
        start(Config.defaults().withEndpointSilence(Duration.ofMillis(100)).withIdleTimeout(Duration.ofSeconds(2)));
        send(speech("a", 0).header(FrameHeaders.UTTERANCE_ID, "u1"));
        send(silence("a", 1)); // endpointed: u1 closes, the producer goes on sending u1
        send(speech("a", 2).header(FrameHeaders.UTTERANCE_ID, "u1"));
        driver.advanceWallClockTime(Duration.ofSeconds(3)); // idle: u1#1 closes
        send(speech("a", 3).header(FrameHeaders.UTTERANCE_ID, "u1").eou());
        send(speech("a", 4).header(FrameHeaders.UTTERANCE_ID, "u2").eou());

        assertEquals(List.of("u1", "u1#1", "u1#2", "u2"), recognized.stream().map(Utterance::id).toList());
        assertEquals(List.of(ClosingReason.SILENCE, ClosingReason.IDLE_TIMEOUT, ClosingReason.END_OF_UTTERANCE,
                ClosingReason.END_OF_UTTERANCE), recognized.stream().map(Utterance::closingReason).toList());
    }

    @Test
    void aFrameOfAnotherUtteranceOrScopeInterruptsTheOpenOne() {
        start(Config.defaults());
        TestFrame u1first = speech("a", 0).header(FrameHeaders.UTTERANCE_ID, "u1");
        TestFrame u1rest = speech("a", 1); // no id: continues u1
        TestFrame u2 = speech("a", 2).header(FrameHeaders.UTTERANCE_ID, "u2");
        TestFrame otherScope = speech("a", 3).header(FrameHeaders.UTTERANCE_ID, "u2").header(FrameHeaders.SCOPE, "site-9").eou();
        for (TestFrame frame : List.of(u1first, u1rest, u2, otherScope)) {
            send(frame);
        }

        assertEquals(3, recognized.size());
        assertUtterance(recognized.get(0), "a", "u1", 0, 1, ClosingReason.INTERRUPTED, u1first, u1rest);
        assertUtterance(recognized.get(1), "a", "u2", 2, 2, ClosingReason.INTERRUPTED, u2);
        assertEquals("site-9", recognized.get(2).scope());
        assertEquals(ClosingReason.END_OF_UTTERANCE, recognized.get(2).closingReason());
    }

    @Test
    void transcriptsAndEventsAreJsonWithEveryField() throws Exception {
        start(Config.defaults());
        recognitionSleepMs = 20;
        send(speech("cam-1", 7).header(FrameHeaders.SCOPE, "site-1").header(FrameHeaders.UTTERANCE_ID, "hello"));
        send(speech("cam-1", 8));
        send(speech("cam-1", 9).eou());

        var transcript = transcripts.readRecord();
        assertEquals("cam-1", transcript.key());
        JsonNode json = JSON.readTree(transcript.value());
        assertEquals("cam-1", json.get("stream").asText());
        assertEquals("hello", json.get("utterance").asText());
        assertEquals("site-1", json.get("scope").asText());
        assertEquals("words of hello", json.get("text").asText());
        assertEquals(7, json.get("first_seq").asLong());
        assertEquals(9, json.get("last_seq").asLong());
        assertEquals(0.3, json.get("audio_seconds").asDouble(), 1e-12);
        assertTrue(json.get("processing_ms").asDouble() >= 20, json.toString());
        assertEquals(2.5, json.get("entropy_before").asDouble());
        assertEquals(1.25, json.get("entropy_after").asDouble());
        assertEquals("v7", json.get("model_version").asText());
        assertEquals("end_of_utterance", json.get("closing_reason").asText());
        assertEquals("other words of hello", json.get("source_text").asText());
        assertEquals("fake", json.get("strategy").asText());
        assertTrue(json.has("latency_ms"), json.toString());
        assertEquals(15, json.size(), json.toString());

        var event = events.readRecord();
        assertEquals("site-1", event.key());
        JsonNode eventJson = JSON.readTree(event.value());
        assertEquals("slow_update", eventJson.get("type").asText());
        assertEquals("hello", eventJson.get("utterance").asText());
        assertEquals("cam-1", eventJson.get("stream").asText());
        assertEquals("v7", eventJson.get("model_version").asText());
        assertEquals(5, eventJson.get("details").get("items").asInt());

        entropyAfter = Double.NaN;
        send(speech("cam-1", 10).eou());
        assertTrue(JSON.readTree(transcripts.readValue()).get("entropy_after").isNull(), "JSON has no NaN");
    }

    @Test
    void partialUtterancesLiveInTheChangeloggedStoresUntilClosed() {
        start(Config.defaults());
        TestFrame f0 = speech("a", 0), f1 = speech("a", 1);
        send(f0);
        send(f1);

        KeyValueStore<String, OpenUtterance> open = driver.getKeyValueStore(UtteranceAssembler.OPEN_STORE);
        OpenUtterance partial = open.get("a");
        assertEquals(0, partial.firstSeq());
        assertEquals(1, partial.lastSeq());
        assertEquals(2L * FRAME_SAMPLES, partial.sampleCount());
        assertArrayEquals(new byte[][] {f0.value, f1.value}, audioOf(driver.getKeyValueStore(UtteranceAssembler.AUDIO_STORE)).toArray());
        // What a restarted task restores from: the changelog topics got the same state.
        TestOutputTopic<String, byte[]> audioChangelog = driver.createOutputTopic(
                APP + "-" + UtteranceAssembler.AUDIO_STORE + "-changelog", Serdes.String().deserializer(), Serdes.ByteArray().deserializer());
        assertArrayEquals(new byte[][] {f0.value, f1.value}, audioChangelog.readValuesToList().toArray());
        TestOutputTopic<String, OpenUtterance> openChangelog = driver.createOutputTopic(
                APP + "-" + UtteranceAssembler.OPEN_STORE + "-changelog", Serdes.String().deserializer(), OpenUtterance.serde().deserializer());
        assertEquals(partial, openChangelog.readValuesToList().get(1));

        send(speech("a", 2).eou());
        assertNull(open.get("a"));
        assertTrue(audioOf(driver.getKeyValueStore(UtteranceAssembler.AUDIO_STORE)).isEmpty());
    }

    @Test
    void referencesAreJoinedWithTheirUtterancesTranscriptAndScored() throws Exception {
        start(Config.defaults());
        TestInputTopic<String, String> references = driver.createInputTopic(Topics.ASR_REFERENCES,
                Serdes.String().serializer(), Serdes.String().serializer());
        references.pipeInput("a", "{\"utterance\": \"a-0\", \"text\": \"WORDS OF A-0\"}"); // before its audio
        references.pipeInput("a", "not json");
        references.pipeInput("a", "{\"utterance\": \"a-9\"}");
        send(speech("a", 0).eou());
        send(speech("b", 0).eou());
        references.pipeInput("b", "{\"utterance\": \"b-0\", \"text\": \"other words of b-0\"}"); // after it

        send(speech("a", 1).eou()); // the stream goes on after malformed references
        List<JsonNode> wer = events.readValuesToList().stream().map(TranscriptionTopologyTest::json)
                .filter(event -> event.path("type").asText().equals("wer")).toList();
        assertEquals(2, wer.size(), wer.toString());
        JsonNode a = wer.stream().filter(e -> e.path("stream").asText().equals("a")).findFirst().orElseThrow();
        JsonNode b = wer.stream().filter(e -> e.path("stream").asText().equals("b")).findFirst().orElseThrow();
        assertEquals("fake", a.path("strategy").asText());
        assertEquals(0.0, a.path("wer").asDouble(), "case is normalised away");
        assertEquals(1.0 / 3, a.path("source_wer").asDouble(), 1e-12, "one substitution in three words");
        assertEquals(1.0 / 4, b.path("wer").asDouble(), 1e-12, "one deletion in four words");
        assertEquals(0.0, b.path("source_wer").asDouble());
        assertEquals(3, recognized.size());
    }

    @Test
    void latencyRunsFromTheClosingFramesTimestampToTheTranscript() throws Exception {
        start(Config.defaults());
        Instant produced = Instant.now().minusSeconds(5);
        TestRecord<String, byte[]> frame = speech("a", 0).eou().record();
        frames.pipeInput(new TestRecord<>(frame.key(), frame.value(), frame.headers(), produced));
        double latencyMs = json(transcripts.readValue()).path("latency_ms").asDouble();
        assertTrue(latencyMs >= 5000 && latencyMs < 60_000, "latency " + latencyMs);
    }

    @Test
    void configRejectsAMaximumUtteranceShorterThanOneFrame() {
        var error = assertThrows(IllegalArgumentException.class,
                () -> Config.defaults().withMaxFrameBytes(64_000).withMaxUtterance(Duration.ofSeconds(1)));
        assertTrue(error.getMessage().contains("max-size frame"), error.getMessage());
    }

    // ----- helpers -----

    private static JsonNode json(String text) {
        try {
            return JSON.readTree(text);
        } catch (java.io.IOException e) {
            throw new AssertionError("not JSON: " + text, e);
        }
    }

    private void send(TestFrame frame) {
        frames.pipeInput(frame.record());
    }

    private void assertRejected(TestFrame frame, RejectReason reason, String errorPart) {
        int recognizedBefore = recognized.size();
        send(frame);
        TestRecord<String, byte[]> rejected = deadLetters.readRecord();
        String what = reason + " for " + frame.headers;
        assertEquals(reason.code(), header(rejected.headers(), FrameHeaders.REASON), what);
        String error = header(rejected.headers(), FrameHeaders.ERROR);
        assertTrue(error.contains(errorPart), what + ": " + error);
        assertEquals(frame.key, rejected.key(), what);
        assertArrayEquals(frame.value, rejected.value(), what);
        frame.headers.forEach((name, value) -> assertEquals(value, header(rejected.headers(), name), what + " keeps " + name));
        assertTrue(deadLetters.isEmpty(), what);
        assertEquals(recognizedBefore, recognized.size(), what);
    }

    private static void assertUtterance(Utterance u, String stream, String id, long firstSeq, long lastSeq,
                                        ClosingReason reason, TestFrame... frames) {
        assertEquals(stream, u.stream());
        assertEquals(stream, u.scope());
        assertEquals(id, u.id());
        assertEquals(firstSeq, u.firstSeq());
        assertEquals(lastSeq, u.lastSeq());
        assertEquals(16_000, u.sampleRate());
        assertEquals(reason, u.closingReason());
        assertArrayEquals(concatenated(frames), u.pcm(), id + " audio");
    }

    /** The frames' audio, one after the other. */
    private static byte[] concatenated(TestFrame... frames) {
        ByteArrayOutputStream audio = new ByteArrayOutputStream();
        for (TestFrame frame : frames) {
            audio.writeBytes(frame.value);
        }
        return audio.toByteArray();
    }

    private static List<byte[]> audioOf(KeyValueStore<String, byte[]> store) {
        List<byte[]> values = new ArrayList<>();
        try (KeyValueIterator<String, byte[]> all = store.all()) {
            all.forEachRemaining(entry -> values.add(entry.value));
        }
        return values;
    }

    private static String header(Headers headers, String name) {
        Header header = headers.lastHeader(name);
        return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }

    /** 100 ms of a loud square-ish wave whose level encodes the sequence number, so every frame differs. */
    private static TestFrame speech(String stream, long seq) {
        short[] samples = new short[FRAME_SAMPLES];
        for (int i = 0; i < samples.length; i++) {
            samples[i] = (short) ((i % 2 == 0 ? 1 : -1) * (8000 + seq));
        }
        return new TestFrame(stream, seq, pcm(samples));
    }

    /** 100 ms of near silence (about -70 dBFS), different per sequence number. */
    private static TestFrame silence(String stream, long seq) {
        short[] samples = new short[FRAME_SAMPLES];
        for (int i = 0; i < samples.length; i++) {
            samples[i] = (short) ((i % 2 == 0 ? 1 : -1) * (10 + seq % 2));
        }
        return new TestFrame(stream, seq, pcm(samples));
    }

    private static byte[] sine(double amplitude) {
        short[] samples = new short[FRAME_SAMPLES];
        for (int i = 0; i < samples.length; i++) {
            samples[i] = (short) Math.round(amplitude * 32768 * Math.sin(2 * Math.PI * 440 * i / 16_000.0));
        }
        return pcm(samples);
    }

    private static byte[] pcm(int... samples) {
        short[] shorts = new short[samples.length];
        for (int i = 0; i < samples.length; i++) {
            shorts[i] = (short) samples[i];
        }
        return pcm(shorts);
    }

    private static byte[] pcm(short[] samples) {
        ByteBuffer bytes = ByteBuffer.allocate(2 * samples.length).order(ByteOrder.LITTLE_ENDIAN);
        for (short s : samples) {
            bytes.putShort(s);
        }
        return bytes.array();
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** A frame record under construction: 16 kHz mono, eou=false, unless changed. */
    private static final class TestFrame {
        String key;
        final byte[] value;
        final Map<String, String> headers = new LinkedHashMap<>();

        TestFrame(String key, long seq, byte[] value) {
            this.key = key;
            this.value = value;
            headers.put(FrameHeaders.SEQ, Long.toString(seq));
            headers.put(FrameHeaders.SAMPLE_RATE, "16000");
            headers.put(FrameHeaders.CHANNELS, "1");
            headers.put(FrameHeaders.END_OF_UTTERANCE, "false");
        }

        TestFrame key(String newKey) {
            key = newKey;
            return this;
        }

        /** Sets a header, or removes it when {@code newValue} is null. */
        TestFrame header(String name, String newValue) {
            if (newValue == null) {
                headers.remove(name);
            } else {
                headers.put(name, newValue);
            }
            return this;
        }

        TestFrame eou() {
            return header(FrameHeaders.END_OF_UTTERANCE, "true");
        }

        TestRecord<String, byte[]> record() {
            Headers recordHeaders = new RecordHeaders();
            headers.forEach((name, text) -> recordHeaders.add(name, text.getBytes(StandardCharsets.UTF_8)));
            return new TestRecord<>(key, value, recordHeaders);
        }
    }
}
