package io.stepwise.runtime.internal;

import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Fresh transaction ids: time-ordered UUIDs in the layout of RFC 9562's version 7 (48 bits of Unix
 * milliseconds, then 74 random bits). The random bits come from {@link ThreadLocalRandom}, not
 * {@code SecureRandom}: ids must be unique, not unguessable, and a run must not contend on a shared
 * generator. The text is {@link UUID#toString()}'s, which the JDK builds without an intermediate
 * {@code char[]}. Not API.
 */
public final class TransactionIds {
  private TransactionIds() {}

  public static String next() {
    ThreadLocalRandom random = ThreadLocalRandom.current();
    long high = (System.currentTimeMillis() << 16) | 0x7000L | (random.nextLong() & 0x0FFFL);
    long low = (random.nextLong() & 0x3FFF_FFFF_FFFF_FFFFL) | 0x8000_0000_0000_0000L;
    return new UUID(high, low).toString();
  }
}
