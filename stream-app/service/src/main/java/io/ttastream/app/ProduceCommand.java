package io.ttastream.app;

import io.ttastream.asr.audio.AudioLoader;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

/** Streams audio files to audio.frames as a speech source would. */
@Command(name = "produce", mixinStandardHelpOptions = true,
        description = "Stream audio files (any WAV, resampled to 16 kHz mono) to audio.frames, one utterance per file.")
final class ProduceCommand implements Callable<Integer> {

    @Option(names = "--bootstrap", required = true, paramLabel = "HOST:PORT", description = "Kafka bootstrap servers.")
    String bootstrap;

    @Option(names = "--stream", required = true, paramLabel = "ID", description = "Stream id (the record key).")
    String stream;

    @Option(names = "--scope", paramLabel = "SCOPE", description = "Adaptation scope header (default: the stream id).")
    String scope;

    @Option(names = "--frame-seconds", description = "Frame length. Default: ${DEFAULT-VALUE}.")
    double frameSeconds = 0.1;

    @Option(names = "--real-time", description = "Pace frames at the audio's own speed.")
    boolean realTime;

    @Parameters(paramLabel = "FILE", arity = "1..*", description = "Audio files, one utterance each.")
    List<Path> files;

    @Override
    public Integer call() throws Exception {
        try (FrameProducer producer = new FrameProducer(bootstrap, stream, scope, frameSeconds)) {
            for (Path file : files) {
                float[] audio = AudioLoader.load16k(file);
                String id = file.getFileName().toString().replaceFirst("\\.[^.]*$", "");
                producer.send(id, audio, realTime);
                System.out.printf("%s\t%s\t%.2f s%n", stream, id, audio.length / 16000.0);
            }
        }
        return 0;
    }
}
