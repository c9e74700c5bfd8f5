package io.stepwise.example;

import java.security.SecureRandom;

/**
 * New ids for stored rows, as Medusa makes them: a prefix and a ULID, for example
 * {@code ro_01JDQ4ZK9W3F8T6V2X5N7B1C0D}. A ULID is 26 characters of Crockford base 32: 10 for the
 * time in milliseconds, then 16 for 80 random bits. Ids made later sort after ids made earlier, also
 * within one millisecond (then the random part counts up by one), so "oldest first" is "by id". The
 * database makes no ids: no sequences, the same SQL on every database.
 */
final class Ids {
  private static final char[] CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ".toCharArray();
  private static final SecureRandom RANDOM = new SecureRandom();

  private static long lastMillis = -1;
  /** The random part of the last id: its high 16 bits, and its low 64 bits. */
  private static int randomHigh;
  private static long randomLow;

  private Ids() {}

  /** A new id such as {@code "ro_01JDQ4ZK9W3F8T6V2X5N7B1C0D"} for {@code prefix} {@code "ro"}. */
  static synchronized String next(String prefix) {
    long now = System.currentTimeMillis();
    if (now > lastMillis) {
      lastMillis = now;
      randomHigh = RANDOM.nextInt(1 << 16);
      randomLow = RANDOM.nextLong();
    } else {
      // the same millisecond (or the clock went back): count up, so that the order still holds
      randomLow++;
      if (randomLow == 0) {
        randomHigh = (randomHigh + 1) & 0xFFFF;
      }
    }
    char[] ulid = new char[26];
    long time = lastMillis;
    for (int i = 9; i >= 0; i--) {
      ulid[i] = CROCKFORD[(int) (time & 31)];
      time >>>= 5;
    }
    long low = randomLow;
    long high = randomHigh;
    for (int i = 25; i >= 10; i--) {
      ulid[i] = CROCKFORD[(int) (low & 31)];
      low = (low >>> 5) | ((high & 31) << 59);
      high >>>= 5;
    }
    return prefix + "_" + new String(ulid);
  }
}
