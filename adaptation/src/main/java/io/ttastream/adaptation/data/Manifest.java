package io.ttastream.adaptation.data;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A list of utterances with reference transcripts: a TSV whose lines are
 * {@code relative/path.wav<TAB>REFERENCE}, paths relative to the manifest's own folder.
 * Blank lines and lines starting with '#' are skipped.
 */
public record Manifest(Path file, List<Entry> entries) {

    /** One utterance: its audio file (resolved) and its reference transcript. */
    public record Entry(Path audio, String reference) {
    }

    public static Manifest read(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new IOException("manifest not found: " + file);
        }
        Path folder = file.toAbsolutePath().getParent();
        List<Entry> entries = new ArrayList<>();
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            int tab = line.indexOf('\t');
            if (tab <= 0) {
                throw new IOException(file + ":" + (i + 1) + ": expected 'path<TAB>REFERENCE', got: " + line);
            }
            entries.add(new Entry(folder.resolve(line.substring(0, tab).trim()), line.substring(tab + 1).trim()));
        }
        return new Manifest(file, List.copyOf(entries));
    }

    /**
     * This manifest, once every audio file it lists is there: a run fails before its model loads, not at the first
     * missing file after minutes of work.
     */
    public Manifest requireAudio() throws IOException {
        List<Path> missing = entries.stream().map(Entry::audio).filter(audio -> !Files.isRegularFile(audio)).toList();
        if (!missing.isEmpty()) {
            throw new IOException("manifest " + file + ": " + missing.size() + " of " + entries.size()
                    + " audio files not found, the first " + missing.get(0)
                    + " (paths are relative to the manifest's folder)");
        }
        return this;
    }
}
