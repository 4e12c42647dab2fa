package io.ttastream.kernels.cuda;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The shipped modules hold every kernel the backend launches: checkable without a GPU. */
class KernelLibraryTest {

    @ParameterizedTest
    @EnumSource(Kernel.class)
    void everyKernelIsAnEntryOfItsModulesPtxAndCubin(Kernel kernel) {
        String ptx = new String(KernelLibrary.ptx(kernel.module), StandardCharsets.US_ASCII);
        assertTrue(ptx.contains(".entry " + kernel.symbol + "("),
                kernel.module + ".ptx has no entry " + kernel.symbol + " (rerun build-ptx.sh?)");
        assertTrue(ptx.contains(".target sm_80"), kernel.module + ".ptx must target compute_80");
        String cubin = new String(KernelLibrary.cubin(kernel.module), StandardCharsets.ISO_8859_1);
        assertTrue(cubin.startsWith("\u007fELF"), kernel.module + ".sm_90.cubin is not an ELF file");
        assertTrue(cubin.contains(kernel.symbol + "\0"), kernel.module + ".sm_90.cubin has no symbol " + kernel.symbol);
    }
}
