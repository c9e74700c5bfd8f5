package io.stepwise.runtime.internal;

import java.util.concurrent.ThreadLocalRandom;

/**
 * Fresh transaction ids: time-ordered UUIDs in the layout of RFC 9562's version 7 (48 bits of Unix
 * milliseconds, then 74 random bits). The random bits come from {@link ThreadLocalRandom}, not
 * {@code SecureRandom}: ids must be unique, not unguessable, and a run must not contend on a shared
 * generator. Not API.
 */
public final class TransactionIds {
  private static final char[] HEX = "0123456789abcdef".toCharArray();

  private TransactionIds() {}

  public static String next() {
    ThreadLocalRandom random = ThreadLocalRandom.current();
    long millis = System.currentTimeMillis();
    long high = (millis << 16) | 0x7000L | (random.nextLong() & 0x0FFFL);
    long low = (random.nextLong() & 0x3FFF_FFFF_FFFF_FFFFL) | 0x8000_0000_0000_0000L;
    char[] out = new char[36];
    hex(out, 0, high >>> 32, 8);
    out[8] = '-';
    hex(out, 9, high >>> 16, 4);
    out[13] = '-';
    hex(out, 14, high, 4);
    out[18] = '-';
    hex(out, 19, low >>> 48, 4);
    out[23] = '-';
    hex(out, 24, low, 12);
    return new String(out);
  }

  private static void hex(char[] out, int at, long value, int digits) {
    for (int i = digits - 1; i >= 0; i--) {
      out[at + i] = HEX[(int) (value & 0xF)];
      value >>>= 4;
    }
  }
}
