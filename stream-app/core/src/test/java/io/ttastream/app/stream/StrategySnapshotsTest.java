package io.ttastream.app.stream;

import io.ttastream.adaptation.model.Wav2Vec2Model;
import io.ttastream.adaptation.strategy.ContinualStrategy;
import io.ttastream.adaptation.strategy.Strategies;
import io.ttastream.adaptation.strategy.StrategyState;
import io.ttastream.adaptation.suta.SutaConfig;
import io.ttastream.asr.HostTensor;
import io.ttastream.asr.HuggingFaceCheckpoints;
import io.ttastream.kernels.CpuBackend;
import io.ttastream.state.CorruptSnapshotException;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class StrategySnapshotsTest {

    @Test
    void aDsutaStateSurvivesTheSnapshotBytesAndACorruptByteIsRefused() throws Exception {
        try (CpuBackend backend = new CpuBackend(1)) {
            Wav2Vec2Model model = new Wav2Vec2Model(backend,
                    HuggingFaceCheckpoints.load(Path.of("../../adaptation/src/test/resources/golden/tiny-group")));
            ContinualStrategy strategy = (ContinualStrategy) Strategies.create("dsuta", model, SutaConfig.reference());
            Random random = new Random(7);
            for (int i = 0; i < 6; i++) { // one slow update, one utterance buffered: every kind of tensor is there
                float[] x = new float[3200];
                for (int t = 0; t < x.length; t++) {
                    x[t] = (float) random.nextGaussian();
                }
                strategy.process(x);
            }
            StrategyState state = strategy.exportState();

            byte[] bytes = StrategySnapshots.encode("tenant-a", "tiny-group", state);
            StrategyState decoded = StrategySnapshots.decode(bytes);

            assertEquals("dsuta", decoded.strategy());
            assertEquals(state.properties(), decoded.properties());
            assertEquals(state.tensors().keySet(), decoded.tensors().keySet());
            for (var entry : state.tensors().entrySet()) {
                HostTensor copy = decoded.tensors().get(entry.getKey());
                assertArrayEquals(entry.getValue().shape(), copy.shape(), entry.getKey());
                assertArrayEquals(entry.getValue().data(), copy.data(), entry.getKey());
            }
            strategy.importState(decoded); // a state the strategy takes back

            bytes[bytes.length / 2] ^= 1;
            assertThrows(CorruptSnapshotException.class, () -> StrategySnapshots.decode(bytes));
        }
    }
}
