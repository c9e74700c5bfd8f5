package io.stepwise.runtime.store;

import java.time.Instant;
import java.time.temporal.ChronoUnit;

/** Times in the record are kept to the microsecond, which every store can hold exactly. */
final class Times {
  private Times() {}

  static Instant micros(Instant instant) {
    return instant == null ? null : instant.truncatedTo(ChronoUnit.MICROS);
  }

  static Instant now() {
    return micros(Instant.now());
  }
}
