package io.ttastream.kernels.cuda;

import io.ttastream.kernels.CpuBackend;
import io.ttastream.kernels.cuda.CudaBackend.MatmulPrecision;
import io.ttastream.kernels.cuda.CudaParityCheck.Case;
import io.ttastream.kernels.cuda.CudaParityCheck.Result;

/**
 * {@link CudaParityCheck}'s FP32 cases with the CUDA backend on {@link HostEmulatedDevice}: the
 * Java side of the backend and the kernels together, without a GPU. Run by
 * src/test/cuda/run-parity-on-host.sh; the arguments are the emulation library's path and,
 * optionally, a part of the names of the cases to run (all FP32 cases take a few minutes).
 */
final class HostParityCheck {
    private HostParityCheck() {
    }

    public static void main(String[] args) {
        int failures = 0;
        try (CpuBackend cpu = new CpuBackend(2);
             CudaBackend emulated = new CudaBackend(0, new HostEmulatedDevice(args[0]), MatmulPrecision.FP32)) {
            for (Case c : CudaParityCheck.cases()) {
                if (c.precision() == MatmulPrecision.FP32 && (args.length < 2 || c.name().contains(args[1]))) {
                    Result r = CudaParityCheck.compare(c, cpu, emulated);
                    System.out.println(r.row());
                    failures += r.ok() ? 0 : 1;
                }
            }
        }
        System.out.println(failures == 0 ? "all FP32 cases pass on the host emulation" : failures + " case(s) FAIL");
        System.exit(failures == 0 ? 0 : 1);
    }
}
