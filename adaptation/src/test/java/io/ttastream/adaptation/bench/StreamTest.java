package io.ttastream.adaptation.bench;

import io.ttastream.adaptation.data.Manifest;
import io.ttastream.asr.audio.WavDecoder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class StreamTest {

    @TempDir
    Path data;

    /** Domains that need no files. */
    static final String FILELESS = "clean+GS+telephone+speed1.1+gain-20+pitch+2";

    static List<Manifest.Entry> pool(int size) {
        List<Manifest.Entry> pool = new ArrayList<>();
        for (int i = 0; i < size; i++) pool.add(new Manifest.Entry(Path.of("u" + i + ".wav"), "WORD " + i));
        return pool;
    }

    /** Consecutive items of one domain, as segments. */
    static List<List<StreamItem>> runs(List<StreamItem> items) {
        List<List<StreamItem>> runs = new ArrayList<>();
        for (StreamItem item : items) {
            if (runs.isEmpty() || !runs.get(runs.size() - 1).get(0).domain().equals(item.domain())) runs.add(new ArrayList<>());
            runs.get(runs.size() - 1).add(item);
        }
        return runs;
    }

    @Test
    void parsesMdLongWithEveryKey() {
        StreamSpec spec = StreamSpec.parse(
                "md-long:manifest=a.tsv+b/c.tsv,domains=AC+BA@0+pitch+2+pitch-2+gain+6,length=300,min=5,max=40,seed=7,data=/d");
        StreamSpec.MdLong md = assertInstanceOf(StreamSpec.MdLong.class, spec);
        assertEquals(List.of(Path.of("a.tsv"), Path.of("b/c.tsv")), md.manifests());
        assertEquals(List.of("AC", "BA@0", "pitch+2", "pitch-2", "gain+6"), md.domains());
        assertEquals(300, md.length());
        assertEquals(5, md.minSegment());
        assertEquals(40, md.maxSegment());
        assertEquals(7, md.seed());
        assertEquals(Path.of("/d"), md.dataRoot());
    }

    @Test
    void parsesBlocksWithDefaults() {
        StreamSpec.Blocks blocks = assertInstanceOf(StreamSpec.Blocks.class,
                StreamSpec.parse("blocks:manifest=m.tsv,domains=AC+BA+GS,block=20,repeat=3"));
        assertEquals(1, blocks.seed());
        assertNull(blocks.dataRoot());
        List<StreamSpec.Segment> segments = blocks.segments();
        assertEquals(9, segments.size());
        for (int i = 0; i < 9; i++) {
            assertEquals(List.of("AC", "BA", "GS").get(i % 3), segments.get(i).domain());
            assertEquals(20, segments.get(i).length());
        }
        StreamSpec.MdLong md = assertInstanceOf(StreamSpec.MdLong.class, StreamSpec.parse("md-long:manifest=m.tsv,domains=AC+BA"));
        assertEquals(10_000, md.length());
        assertEquals(20, md.minSegment());
        assertEquals(500, md.maxSegment());
    }

    @Test
    void rejectsMalformedSpecs() {
        assertThrows(IllegalArgumentException.class, () -> StreamSpec.parse("manifest=m.tsv,domains=AC"));
        assertThrows(IllegalArgumentException.class, () -> StreamSpec.parse("zigzag:manifest=m.tsv,domains=AC+BA"));
        assertThrows(IllegalArgumentException.class, () -> StreamSpec.parse("md-long:manifest=m.tsv,domains=AC+BA,block=3"));
        assertThrows(IllegalArgumentException.class, () -> StreamSpec.parse("md-long:domains=AC+BA"));
        assertThrows(IllegalArgumentException.class, () -> StreamSpec.parse("md-long:manifest=m.tsv,domains=AC"));
        assertThrows(IllegalArgumentException.class, () -> StreamSpec.parse("md-long:manifest=m.tsv,domains=AC+BA,min=9,max=3"));
        assertThrows(IllegalArgumentException.class, () -> StreamSpec.parse("md-long:manifest=m.tsv,domains=AC+BA,length=x"));
        assertThrows(IllegalArgumentException.class, () -> StreamSpec.parse("blocks:manifest=m.tsv,domains=AC,seed=1,seed=2"));
    }

    @Test
    void mdLongSegmentsFollowThePaperRules() {
        StreamSpec spec = StreamSpec.parse("md-long:manifest=m.tsv,domains=" + FILELESS + ",length=2000,min=5,max=40,seed=3");
        List<StreamSpec.Segment> segments = spec.segments();
        assertEquals(2000, segments.stream().mapToInt(StreamSpec.Segment::length).sum());
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < segments.size(); i++) {
            StreamSpec.Segment segment = segments.get(i);
            seen.add(segment.domain());
            if (i > 0) assertNotEquals(segments.get(i - 1).domain(), segment.domain(), "same domain twice in a row at " + i);
            assertTrue(segment.length() <= 40);
            if (i < segments.size() - 1) assertTrue(segment.length() >= 5, "only the last segment is cut short");
        }
        assertEquals(6, seen.size(), "over ~90 segments every domain turns up");
        assertEquals(segments, spec.segments(), "same seed, same segments");
        assertNotEquals(segments, StreamSpec.parse("md-long:manifest=m.tsv,domains=" + FILELESS + ",length=2000,min=5,max=40,seed=4").segments());
    }

    @Test
    void streamDealsUtterancesWithoutRepeatsInsideASegment() {
        StreamSpec spec = StreamSpec.parse("md-long:manifest=m.tsv,domains=" + FILELESS + ",length=600,min=5,max=40,seed=1");
        List<Manifest.Entry> pool = pool(32);
        List<StreamItem> items = StreamBuilder.build(spec, pool, new Domains(data));
        assertEquals(600, items.size());
        List<List<StreamItem>> runs = runs(items);
        assertEquals(spec.segments().size(), runs.size());
        for (int r = 0; r < runs.size(); r++) {
            List<StreamItem> run = runs.get(r);
            assertEquals(spec.segments().get(r).length(), run.size());
            assertEquals(spec.segments().get(r).domain(), run.get(0).domain());
            // Segments up to 40 long from 32 utterances: the first 32 of a segment are all
            // different, and so are the rest.
            for (int start = 0; start < run.size(); start += pool.size()) {
                Set<Manifest.Entry> window = new HashSet<>();
                for (int i = start; i < Math.min(run.size(), start + pool.size()); i++) {
                    assertTrue(window.add(run.get(i).utterance()), "repeat inside segment " + r);
                }
            }
        }
        for (int i = 0; i < items.size(); i++) assertEquals(i, items.get(i).index());
        // The deck spreads use evenly: 600 draws over 32 utterances is 18 or 19 each, give or take a reshuffle.
        for (Manifest.Entry entry : pool) {
            long uses = items.stream().filter(item -> item.utterance().equals(entry)).count();
            assertTrue(uses >= 17 && uses <= 20, entry + " used " + uses + " times");
        }
    }

    @Test
    void sameSeedSameStreamOtherSeedOtherStream() {
        String spec = "md-long:manifest=m.tsv,domains=" + FILELESS + ",length=200,min=5,max=40,seed=";
        List<StreamItem> a = StreamBuilder.build(StreamSpec.parse(spec + 5), pool(20), new Domains(data));
        List<StreamItem> b = StreamBuilder.build(StreamSpec.parse(spec + 5), pool(20), new Domains(data));
        List<StreamItem> c = StreamBuilder.build(StreamSpec.parse(spec + 6), pool(20), new Domains(data));
        for (int i = 0; i < a.size(); i++) {
            assertEquals(a.get(i).utterance(), b.get(i).utterance());
            assertEquals(a.get(i).domain(), b.get(i).domain());
            assertEquals(a.get(i).corruption(), b.get(i).corruption());
            assertEquals(a.get(i).seed(), b.get(i).seed());
        }
        assertNotEquals(a.stream().map(StreamItem::utterance).toList(), c.stream().map(StreamItem::utterance).toList());
    }

    @Test
    void domainsResolveNamesToCorruptions() throws IOException {
        writeWav(data.resolve("noise/ms-snsd/Babble_4.wav"), 0.1f);
        writeWav(data.resolve("noise/background/running_tap.wav"), 0.2f);
        Domains domains = new Domains(data);
        Corruption.Noise babble = assertInstanceOf(Corruption.Noise.class, domains.resolve("BA").variant(0));
        assertEquals(Domains.DEFAULT_SNR_DB, babble.snrDb());
        assertEquals(0.1f, babble.noise()[0], 1e-4);
        assertEquals(0, assertInstanceOf(Corruption.Noise.class, domains.resolve("BA@0").variant(0)).snrDb());
        assertSame(babble.noise(), ((Corruption.Noise) domains.resolve("BA@0").variant(0)).noise(), "each file loaded once");
        assertEquals(0.2f, ((Corruption.Noise) domains.resolve("running_tap@10").variant(0)).noise()[0], 1e-4);
        assertEquals(new Corruption.GaussianNoise(-5), domains.resolve("GS@-5").variant(0));
        assertEquals(new Corruption.PitchShift(-2), domains.resolve("pitch-2").variant(0));
        assertEquals(new Corruption.PitchShift(2), domains.resolve("pitch+2").variant(0));
        assertEquals(new Corruption.Speed(0.9), domains.resolve("speed0.9").variant(0));
        assertEquals(new Corruption.Gain(-20), domains.resolve("gain-20").variant(0));
        assertEquals(new Corruption.Telephone(), domains.resolve("telephone").variant(0));
        assertEquals(new Corruption.LowPass(4500), domains.resolve("lowpass4500").variant(0));
        assertEquals(new Corruption.Clean(), domains.resolve("clean").variant(0));
        assertThrows(IllegalArgumentException.class, () -> domains.resolve("AC")); // its file is absent here
        assertThrows(IllegalArgumentException.class, () -> domains.resolve("BA@loud"));
    }

    @Test
    void reverbCyclesThroughTheImpulseResponses() throws IOException {
        writeWav(data.resolve("noise/rir/rir1.wav"), 0.5f);
        writeWav(data.resolve("noise/rir/rir2.wav"), 0.25f);
        StreamSpec spec = StreamSpec.parse("blocks:manifest=m.tsv,domains=reverb+clean,block=3,repeat=2");
        List<StreamItem> items = StreamBuilder.build(spec, pool(10), new Domains(data));
        List<Float> firstSamples = items.stream().filter(item -> item.domain().equals("reverb"))
                .map(item -> ((Corruption.Reverb) item.corruption()).impulseResponse()[0]).toList();
        assertEquals(6, firstSamples.size());
        for (int i = 0; i < 6; i++) assertEquals(i % 2 == 0 ? 0.5f : 0.25f, firstSamples.get(i), 1e-4);
    }

    @Test
    void buildReadsManifestsAndFindsTheDataFolderAboveThem() throws IOException {
        Path speech = Files.createDirectories(data.resolve("speech"));
        Files.createDirectories(data.resolve("noise"));
        writeWav(speech.resolve("a.wav"), 0.3f);
        Files.writeString(speech.resolve("one.tsv"), "a.wav\tHELLO THERE\n");
        StreamSpec spec = StreamSpec.parse("blocks:manifest=" + speech.resolve("one.tsv") + ",domains=gain-6,block=2");
        assertEquals(data.toAbsolutePath(), StreamBuilder.dataRoot(spec));
        List<StreamItem> items = StreamBuilder.build(spec);
        assertEquals(2, items.size());
        assertEquals("HELLO THERE", items.get(0).utterance().reference());
        float[] audio = items.get(1).audio();
        assertEquals(1600, audio.length);
        assertEquals(0.3 * Math.pow(10, -6 / 20.0), audio[0], 1e-3);
    }

    /** A 0.1 s constant signal at 16 kHz. */
    static void writeWav(Path file, float level) throws IOException {
        float[] samples = new float[1600];
        java.util.Arrays.fill(samples, level);
        Files.createDirectories(file.getParent());
        Files.write(file, WavDecoder.encodePcm16(samples, 16_000));
    }
}
