package io.ttastream.asr;

/**
 * Conversions between float32 and the two 16-bit float formats checkpoints use: IEEE 754 half
 * (F16: 1 sign, 5 exponent, 10 mantissa bits) and bfloat16 (BF16: float32's top 16 bits).
 * Narrowing rounds to nearest, ties to even, as PyTorch's {@code .half()} and
 * {@code .bfloat16()} do.
 */
public final class HalfFloats {

    private HalfFloats() {
    }

    /** The float32 value of an IEEE half given as its 16 bits. */
    public static float f16ToFloat(short bits) {
        int h = bits & 0xffff;
        int sign = (h & 0x8000) << 16;
        int exponent = (h >>> 10) & 0x1f;
        int mantissa = h & 0x3ff;
        if (exponent == 0x1f) { // infinity or NaN: keep the payload's top bits
            return Float.intBitsToFloat(sign | 0x7f800000 | (mantissa << 13));
        }
        if (exponent == 0) { // zero or subnormal: mantissa * 2^-24, exact in float32
            float magnitude = mantissa * 0x1p-24f;
            return sign == 0 ? magnitude : -magnitude;
        }
        return Float.intBitsToFloat(sign | ((exponent - 15 + 127) << 23) | (mantissa << 13));
    }

    /** The IEEE half nearest to {@code value} (ties to even); overflow gives infinity. */
    public static short floatToF16(float value) {
        int f = Float.floatToRawIntBits(value);
        int sign = (f >>> 16) & 0x8000;
        int exponent = (f >>> 23) & 0xff;
        int mantissa = f & 0x7fffff;
        if (exponent == 0xff) { // infinity or NaN (keep NaNs NaN)
            return (short) (sign | 0x7c00 | (mantissa != 0 ? 0x200 | (mantissa >>> 13) : 0));
        }
        int halfExponent = exponent - 127 + 15;
        if (halfExponent >= 0x1f) {
            return (short) (sign | 0x7c00);
        }
        if (halfExponent <= 0) {
            // Subnormal half (or zero): shift the mantissa, with its implicit leading one, into place.
            if (halfExponent < -10) {
                return (short) sign;
            }
            int full = mantissa | 0x800000;
            int shift = 14 - halfExponent;
            return (short) (sign | roundShift(full, shift));
        }
        // Normal: a carry out of the mantissa correctly bumps the exponent (up to infinity).
        return (short) (sign | ((halfExponent << 10) + roundShift(mantissa, 13)));
    }

    /** The float32 value of a bfloat16 given as its 16 bits. */
    public static float bf16ToFloat(short bits) {
        return Float.intBitsToFloat((bits & 0xffff) << 16);
    }

    /** The bfloat16 nearest to {@code value} (ties to even). */
    public static short floatToBf16(float value) {
        int f = Float.floatToRawIntBits(value);
        if ((f & 0x7fffffff) > 0x7f800000) {
            return (short) ((f >>> 16) | 0x40); // a quiet NaN stays NaN
        }
        return (short) (roundShift(f, 16));
    }

    /** value >> shift, rounded to nearest with ties to even. */
    private static int roundShift(int value, int shift) {
        int kept = value >>> shift;
        int remainder = value & ((1 << shift) - 1);
        int half = 1 << (shift - 1);
        if (remainder > half || (remainder == half && (kept & 1) == 1)) {
            kept++;
        }
        return kept;
    }
}
