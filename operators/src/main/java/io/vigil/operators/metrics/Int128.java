package io.vigil.operators.metrics;

import java.math.BigInteger;

/**
 * A non-negative 128-bit sum of products of counts: the Mann–Whitney sum Σ positives × negatives
 * passes 2^63 once P·N does (about 3·10^9 of each class, a few days at a busy feed), and a long
 * would silently wrap. Two longs and {@link Math#multiplyHigh}: no allocation on the hot path.
 */
final class Int128 {

  private long high;
  private long low; // unsigned

  /** Adds a·b for non-negative a and b. */
  void addProduct(long a, long b) {
    long lo = a * b;
    long hi = Math.multiplyHigh(a, b);
    long sum = low + lo;
    high += hi + (Long.compareUnsigned(sum, low) < 0 ? 1 : 0);
    low = sum;
  }

  double doubleValue() {
    return high * 0x1p64 + (low >= 0 ? low : (low >>> 1) * 2.0 + (low & 1));
  }

  BigInteger toBigInteger() {
    return BigInteger.valueOf(high).shiftLeft(64).add(new BigInteger(Long.toUnsignedString(low)));
  }
}
