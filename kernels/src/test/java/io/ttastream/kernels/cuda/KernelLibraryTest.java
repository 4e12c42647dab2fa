package io.ttastream.kernels.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
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

    @ParameterizedTest
    @EnumSource(Kernel.class)
    void everySignatureMatchesThePtxParameterTypes(Kernel kernel) {
        String ptx = new String(KernelLibrary.ptx(kernel.module), StandardCharsets.US_ASCII);
        Matcher entry = Pattern.compile("\\.entry " + kernel.symbol + "\\(([^)]*)\\)").matcher(ptx);
        assertTrue(entry.find(), kernel.symbol);
        // Pointers and longs are 64-bit, ints 32-bit, floats f32: the sizes the launch copies.
        List<String> expected = new ArrayList<>(), actual = new ArrayList<>();
        for (char type : kernel.signature.toCharArray()) {
            expected.add(switch (type) {
                case 'p', 'l' -> "u64";
                case 'i' -> "u32";
                case 'f' -> "f32";
                default -> throw new AssertionError("unknown parameter type " + type);
            });
        }
        Matcher param = Pattern.compile("\\.param \\.(\\w+)").matcher(entry.group(1));
        while (param.find()) {
            actual.add(param.group(1).equals("s32") ? "u32" : param.group(1));
        }
        assertEquals(expected, actual, kernel.symbol + " declared " + kernel.signature);
    }
}
