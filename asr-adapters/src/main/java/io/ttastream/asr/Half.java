package io.ttastream.asr;

/** IEEE 754 half-precision conversions (java.lang.Float gains them only in Java 20). */
final class Half {
    private Half() {
    }

    static float toFloat(short half) {
        int h = half & 0xffff;
        int sign = (h >>> 15) << 31;
        int exponent = (h >>> 10) & 0x1f;
        int mantissa = h & 0x3ff;
        if (exponent == 0x1f) {
            return Float.intBitsToFloat(sign | 0x7f800000 | (mantissa << 13));
        }
        if (exponent == 0) {
            float magnitude = mantissa * 0x1p-24f;
            return sign != 0 ? -magnitude : magnitude;
        }
        return Float.intBitsToFloat(sign | ((exponent + 112) << 23) | (mantissa << 13));
    }

    /** Rounds to the nearest half (ties to even); overflow gives infinity. */
    static short fromFloat(float value) {
        int bits = Float.floatToRawIntBits(value);
        int sign = (bits >>> 16) & 0x8000;
        if (Float.isNaN(value)) {
            return (short) (sign | 0x7e00);
        }
        float magnitude = Math.abs(value);
        if (magnitude >= 65520f) {
            return (short) (sign | 0x7c00);
        }
        if (magnitude < 0x1p-14f) {
            // Subnormal halves are multiples of 2^-24; Math.rint rounds ties to even.
            return (short) (sign | (int) Math.rint(magnitude * 0x1p24f));
        }
        int exponent = Math.getExponent(magnitude);
        int mantissaBits = Float.floatToRawIntBits(magnitude) & 0x7fffff;
        int mantissa = mantissaBits >>> 13;
        int rest = mantissaBits & 0x1fff;
        int half = ((exponent + 15) << 10) | mantissa;
        if (rest > 0x1000 || (rest == 0x1000 && (mantissa & 1) == 1)) {
            half++;
        }
        return (short) (sign | half);
    }
}
