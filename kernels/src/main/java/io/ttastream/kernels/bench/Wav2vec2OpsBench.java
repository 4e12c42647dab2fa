package io.ttastream.kernels.bench;

import io.ttastream.kernels.CpuBackend;
import io.ttastream.kernels.Tensor;
import java.util.Random;

/**
 * Times the CPU backend's forward ops at the shapes of wav2vec2-base on 10 s of 16 kHz audio,
 * one of each kind (the model repeats them: 7 conv layers of decreasing length, 12 transformer
 * layers).
 *
 * <p>Run: {@code java --add-modules jdk.incubator.vector -cp kernels/target/classes
 * io.ttastream.kernels.bench.Wav2vec2OpsBench [threads] [seconds per op]}
 */
public final class Wav2vec2OpsBench {
    private Wav2vec2OpsBench() {
    }

    public static void main(String[] args) {
        int threads = args.length > 0 ? Integer.parseInt(args[0]) : Runtime.getRuntime().availableProcessors();
        double seconds = args.length > 1 ? Double.parseDouble(args[1]) : 2;
        Random random = new Random(1);
        try (CpuBackend cpu = new CpuBackend(threads)) {
            System.out.printf("cpu backend, %d threads%n", threads);
            Tensor audio = tensor(cpu, random, 1, 160_000);
            Tensor w0 = tensor(cpu, random, 512, 1, 10), y0 = cpu.allocate(512, 31_999);
            report("conv0 1->512 k10 s5, T 160000", 2.0 * 512 * 10 * 31_999, seconds,
                    () -> cpu.conv1d(y0, audio, w0, null, 5, 0, 0, 1));
            Tensor mean = cpu.allocate(512), rstd = cpu.allocate(512), gamma = tensor(cpu, random, 512), beta = tensor(cpu, random, 512);
            Tensor n0 = cpu.allocate(512, 31_999);
            report("groupNorm 512 groups, [512, 31999]", 0, seconds, () -> cpu.groupNorm(n0, mean, rstd, y0, 512, gamma, beta, 1e-5f));
            report("gelu [512, 31999]", 0, seconds, () -> cpu.gelu(n0, y0));
            Tensor w1 = tensor(cpu, random, 512, 512, 3), y1 = cpu.allocate(512, 15_999);
            report("conv1 512->512 k3 s2, T 31999", 2.0 * 512 * 512 * 3 * 15_999, seconds,
                    () -> cpu.conv1d(y1, y0, w1, null, 2, 0, 0, 1));

            // lv60 models put a LayerNorm over channels after every conv: the fused channel-major op against the
            // transposes it replaces, forward and backward.
            Tensor cm = cpu.allocate(512, 15_999), cmMean = cpu.allocate(15_999), cmRstd = cpu.allocate(15_999);
            Tensor tm = cpu.allocate(15_999, 512), tmNormed = cpu.allocate(15_999, 512);
            report("layerNormChannelMajor [512, 15999]", 0, seconds,
                    () -> cpu.layerNormChannelMajor(cm, cmMean, cmRstd, y1, gamma, beta, 1e-5f));
            report("  as transpose+layerNorm+transpose", 0, seconds, () -> {
                cpu.transpose(tm, y1);
                cpu.layerNorm(tmNormed, cmMean, cmRstd, tm, gamma, beta, 1e-5f);
                cpu.transpose(cm, tmNormed);
            });
            Tensor dCm = cpu.allocate(512, 15_999), dTm = cpu.allocate(15_999, 512), dg = cpu.allocate(512), db = cpu.allocate(512);
            report("  its backward", 0, seconds,
                    () -> cpu.layerNormChannelMajorBackward(dCm, dg, db, y1, y1, cmMean, cmRstd, gamma));
            report("  as transpose+layerNormBackward+transpose", 0, seconds, () -> {
                cpu.transpose(tmNormed, y1);
                cpu.layerNormBackward(dTm, dg, db, tmNormed, tm, cmMean, cmRstd, gamma);
                cpu.transpose(dCm, dTm);
            });

            int t = 499;
            Tensor h = tensor(cpu, random, 768, t), wPos = tensor(cpu, random, 768, 48, 128), yPos = cpu.allocate(768, t);
            report("positional conv 768 k128 g16", 2.0 * 768 * 48 * 128 * t, seconds,
                    () -> cpu.conv1d(yPos, h, wPos, null, 1, 64, 63, 16));
            Tensor q = tensor(cpu, random, t, 768), k = tensor(cpu, random, t, 768), v = tensor(cpu, random, t, 768);
            Tensor att = cpu.allocate(t, 768), probs = cpu.allocate(12, t, t);
            report("attention 12 heads, T 499", 4.0 * t * t * 768, seconds, () -> cpu.attention(att, probs, q, k, v, 12));
            Tensor dAtt = tensor(cpu, random, t, 768), dq = cpu.allocate(t, 768), dk = cpu.allocate(t, 768), dv = cpu.allocate(t, 768);
            report("attentionBackward", 8.0 * t * t * 768, seconds,
                    () -> cpu.attentionBackward(dq, dk, dv, dAtt, q, k, v, probs, 12));
            Tensor ffIn = tensor(cpu, random, t, 3072), ffOut = cpu.allocate(t, 3072);
            report("gelu [499, 3072]", 0, seconds, () -> cpu.gelu(ffOut, ffIn));
            Tensor lnMean = cpu.allocate(t), lnRstd = cpu.allocate(t), g768 = tensor(cpu, random, 768), b768 = tensor(cpu, random, 768);
            report("layerNorm [499, 768]", 0, seconds, () -> cpu.layerNorm(att, lnMean, lnRstd, q, g768, b768, 1e-5f));
        }
    }

    private static void report(String what, double flops, double seconds, Runnable op) {
        double perRun = Timing.secondsPerRun(op, seconds);
        System.out.printf("%-44s %8.2f ms%s%n", what, perRun * 1e3,
                flops > 0 ? String.format("  %6.1f GFLOP/s", flops / perRun / 1e9) : "");
    }

    private static Tensor tensor(CpuBackend cpu, Random random, int... shape) {
        int n = 1;
        for (int d : shape) {
            n *= d;
        }
        return cpu.fromArray(Timing.gaussians(random, n), shape);
    }
}
