package io.ttastream.adaptation.bench;

import io.ttastream.asr.audio.AudioLoader;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Turns domain names into corruptions, loading noise clips and impulse responses from the shared
 * data folder (each file once).
 *
 * <p>Names:
 * <ul>
 *   <li>{@code clean}: no change;
 *   <li>{@code AC AA BA CM MU NB SD VC}: the Dynamic SUTA paper's MS-SNSD noises
 *       (AirConditioner_6, AirportAnnouncements_2, Babble_4, CopyMachine_2, Munching_3,
 *       Neighbor_6, ShuttingDoor_6, VacuumCleaner_1 in {@code noise/ms-snsd/}) at 5 dB SNR;
 *   <li>{@code GS}: white Gaussian noise at 5 dB SNR;
 *   <li>any file stem in {@code noise/background/} ({@code doing_the_dishes}, {@code running_tap},
 *       ...): that recording at 5 dB SNR;
 *   <li>a noise name with {@code @SNR} appended uses that SNR instead: {@code BA@0}, {@code GS@-5};
 *   <li>{@code reverb}: the impulse responses of {@code noise/rir/} in name order, one per
 *       utterance in turn;
 *   <li>{@code telephone}; {@code lowpass4000} (a 4th-order low-pass at that many Hz);
 *       {@code speed0.9}, {@code speed1.1} (any factor); {@code pitch+2}, {@code pitch-2} (semitones);
 *       {@code gain-20}, {@code gain+6} (dB).
 * </ul>
 */
public final class Domains {

    /** The SNR of noise domains without an {@code @SNR} suffix, the paper's. */
    public static final double DEFAULT_SNR_DB = 5;

    /** The MS-SNSD clips behind the paper's two-letter domain names. */
    public static final Map<String, String> MS_SNSD = Map.of(
            "AC", "AirConditioner_6", "AA", "AirportAnnouncements_2", "BA", "Babble_4", "CM", "CopyMachine_2",
            "MU", "Munching_3", "NB", "Neighbor_6", "SD", "ShuttingDoor_6", "VC", "VacuumCleaner_1");

    private static final Pattern NUMBER_SUFFIX = Pattern.compile("(speed|pitch|gain|lowpass)([+-]?\\d+(?:\\.\\d+)?)");

    /**
     * A named domain. Most have one corruption; {@code reverb} has one per impulse response, which
     * the stream hands out in turn.
     */
    public record Domain(String name, List<Corruption> variants) {
        public Domain {
            variants = List.copyOf(variants);
            if (variants.isEmpty()) throw new IllegalArgumentException("domain " + name + " has no corruption");
        }

        /** The corruption of this domain's {@code occurrence}-th utterance (counting from 0). */
        public Corruption variant(int occurrence) {
            return variants.get(Math.floorMod(occurrence, variants.size()));
        }
    }

    private final Path dataRoot;
    private final Map<Path, float[]> loaded = new HashMap<>();

    /** @param dataRoot the shared data folder, the one holding {@code noise/} */
    public Domains(Path dataRoot) {
        this.dataRoot = dataRoot;
    }

    /** The domain called {@code name}; throws IllegalArgumentException for an unknown name or a missing file. */
    public Domain resolve(String name) {
        Matcher numbered = NUMBER_SUFFIX.matcher(name);
        if (numbered.matches()) {
            double value = Double.parseDouble(numbered.group(2));
            Corruption corruption = switch (numbered.group(1)) {
                case "speed" -> new Corruption.Speed(value);
                case "pitch" -> new Corruption.PitchShift(value);
                case "lowpass" -> new Corruption.LowPass(value);
                default -> new Corruption.Gain(value);
            };
            return new Domain(name, List.of(corruption));
        }
        return switch (name) {
            case "clean" -> new Domain(name, List.of(new Corruption.Clean()));
            case "telephone" -> new Domain(name, List.of(new Corruption.Telephone()));
            case "reverb" -> new Domain(name, impulseResponses().stream().<Corruption>map(Corruption.Reverb::new).toList());
            default -> new Domain(name, List.of(noise(name)));
        };
    }

    /** A noise domain, {@code NAME} or {@code NAME@SNR}. */
    private Corruption noise(String name) {
        int at = name.indexOf('@');
        String noiseName = at < 0 ? name : name.substring(0, at);
        double snrDb;
        try {
            snrDb = at < 0 ? DEFAULT_SNR_DB : Double.parseDouble(name.substring(at + 1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("bad SNR in domain " + name);
        }
        if (noiseName.equals("GS")) {
            return new Corruption.GaussianNoise(snrDb);
        }
        Path file = MS_SNSD.containsKey(noiseName)
                ? dataRoot.resolve("noise/ms-snsd/" + MS_SNSD.get(noiseName) + ".wav")
                : dataRoot.resolve("noise/background/" + noiseName + ".wav");
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException("unknown domain " + name + " (no " + file + ")");
        }
        return new Corruption.Noise(load(file), snrDb);
    }

    private List<float[]> impulseResponses() {
        Path folder = dataRoot.resolve("noise/rir");
        try (Stream<Path> files = Files.list(folder)) {
            List<float[]> responses = new ArrayList<>();
            for (Path file : files.filter(f -> f.toString().endsWith(".wav")).sorted().toList()) {
                responses.add(load(file));
            }
            return responses;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list impulse responses in " + folder, e);
        }
    }

    private float[] load(Path file) {
        return loaded.computeIfAbsent(file, f -> {
            try {
                return AudioLoader.load16k(f);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read " + f, e);
            }
        });
    }
}
