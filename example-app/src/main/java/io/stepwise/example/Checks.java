package io.stepwise.example;

import java.math.BigDecimal;
import java.util.List;

/** Argument checks shared by the domain records; each failure is an IllegalArgumentException naming the field. */
final class Checks {
  private Checks() {}

  static String nonBlank(String value, String field) {
    if (value == null || value.isBlank()) {
      throw new IllegalArgumentException(field + " must be a non-empty string, was "
          + (value == null ? "null" : "\"" + value + "\""));
    }
    return value;
  }

  static int positive(int value, String field) {
    if (value < 1) {
      throw new IllegalArgumentException(field + " must be an integer >= 1, was " + value);
    }
    return value;
  }

  static BigDecimal nonNegative(BigDecimal value, String field) {
    if (value == null) {
      throw new IllegalArgumentException(field + " must be a number >= 0, was null");
    }
    if (value.signum() < 0) {
      throw new IllegalArgumentException(field + " must be a number >= 0, was " + value.toPlainString());
    }
    return value;
  }

  /** An unmodifiable copy of {@code list}, which must not be null nor contain null. */
  static <T> List<T> elements(List<T> list, String field) {
    if (list == null) {
      throw new IllegalArgumentException(field + " must be an array, was null");
    }
    for (int i = 0; i < list.size(); i++) {
      if (list.get(i) == null) {
        throw new IllegalArgumentException(field + "[" + i + "] must not be null");
      }
    }
    return List.copyOf(list);
  }
}
