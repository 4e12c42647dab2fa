package io.ttastream.kernels.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

class DeviceMemoryTest {

    @Test
    void smallSizesRoundToHalfKilobytes() {
        assertEquals(512, DeviceMemory.roundUp(1));
        assertEquals(512, DeviceMemory.roundUp(512));
        assertEquals(1024, DeviceMemory.roundUp(513));
        assertEquals(4096, DeviceMemory.roundUp(4096));
        assertEquals(4608, DeviceMemory.roundUp(4097));
        assertEquals(9216, DeviceMemory.roundUp(8193));
    }

    @Test
    void largeSizesRoundToAnEighthOfTheirPowerOfTwoSoWasteStaysUnderAnEighth() {
        assertEquals((1 << 20) + (1 << 17), DeviceMemory.roundUp((1 << 20) + 1));
        Random random = new Random(3);
        for (int i = 0; i < 10_000; i++) {
            long bytes = 4097 + (random.nextLong() & ((1L << 34) - 1));
            long rounded = DeviceMemory.roundUp(bytes);
            assertTrue(rounded >= bytes && rounded - bytes < bytes / 8, bytes + " -> " + rounded);
        }
    }
}
