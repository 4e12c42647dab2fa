package io.ttastream.asr;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Expected bit patterns are IEEE 754 binary16 / bfloat16 encodings worked out by hand. */
class HalfFloatsTest {

    private static void assertF16(int expectedBits, float value) {
        assertEquals(expectedBits, HalfFloats.floatToF16(value) & 0xffff,
                () -> value + " -> 0x" + Integer.toHexString(HalfFloats.floatToF16(value) & 0xffff));
    }

    @Test
    void roundsToNearestHalf() {
        assertF16(0x3C00, 1f);
        assertF16(0xC000, -2f);
        assertF16(0x3555, 1f / 3);        // 0.333251953125
        assertF16(0x2E66, 0.1f);          // 0.0999755859375
        assertF16(0x7BFF, 65504f);        // largest finite half
        assertF16(0x7C00, 65520f);        // halfway to 65536 ties to the even pattern, which is infinity
        assertF16(0x7C00, 1e6f);
        assertF16(0x0001, 0x1p-24f);      // smallest subnormal
        assertF16(0x0000, 0x1p-25f);      // halfway to the smallest subnormal ties to even zero
        assertF16(0x0001, 0x1.8p-25f);    // 0.75 of the smallest subnormal rounds up
        assertF16(0x0400, 0x1p-14f);      // smallest normal
        assertF16(0x3C00, 1f + 0x1p-11f); // tie between 1 and 1 + 2^-10 goes to the even 1
        assertF16(0x3C02, 1f + 0x3p-11f); // tie between 1 + 2^-10 and 1 + 2^-9 goes to the even 1 + 2^-9
        assertF16(0x8000, -0f);
        assertTrue(Float.isNaN(HalfFloats.f16ToFloat(HalfFloats.floatToF16(Float.NaN))));
    }

    @Test
    void widensHalves() {
        assertEquals(0.333251953125f, HalfFloats.f16ToFloat((short) 0x3555));
        assertEquals(65504f, HalfFloats.f16ToFloat((short) 0x7BFF));
        assertEquals(0x1p-24f, HalfFloats.f16ToFloat((short) 0x0001));
        assertEquals(-0x1p-14f, HalfFloats.f16ToFloat((short) 0x8400));
        assertEquals(Float.NEGATIVE_INFINITY, HalfFloats.f16ToFloat((short) 0xFC00));
    }

    @Test
    void bfloat16KeepsTheTopBitsRounded() {
        // 1/3 is 0x3EAAAAAB in float32: the dropped half 0xAAAB is above the midpoint, so round up.
        assertEquals(0x3EAB, HalfFloats.floatToBf16(1f / 3) & 0xffff);
        assertEquals(0xBFC0, HalfFloats.floatToBf16(-1.5f) & 0xffff);
        assertEquals(0x3F80, HalfFloats.floatToBf16(Float.intBitsToFloat(0x3F808000)) & 0xffff); // tie to even
        assertEquals(0x3F82, HalfFloats.floatToBf16(Float.intBitsToFloat(0x3F818000)) & 0xffff); // tie to even
        assertEquals(-1.5f, HalfFloats.bf16ToFloat((short) 0xBFC0));
        assertTrue(Float.isNaN(HalfFloats.bf16ToFloat(HalfFloats.floatToBf16(Float.NaN))));
    }
}
