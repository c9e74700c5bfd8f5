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

  /** The largest amount of money, exclusive: what a {@code NUMERIC(19, 4)} column holds. */
  static final BigDecimal MONEY_LIMIT = new BigDecimal("1000000000000000");
  /** The most decimal places of an amount of money. */
  static final int MONEY_SCALE = 4;

  /**
   * An amount of money: at least 0, less than {@link #MONEY_LIMIT}, with at most
   * {@value #MONEY_SCALE} decimal places, so that a database stores it exactly.
   */
  static BigDecimal money(BigDecimal value, String field) {
    if (value != null && value.abs().compareTo(MONEY_LIMIT) >= 0) {
      throw new IllegalArgumentException(field + " must be less than " + MONEY_LIMIT.toPlainString() + ", was " + value);
    }
    nonNegative(value, field);
    if (value.stripTrailingZeros().scale() > MONEY_SCALE) {
      throw new IllegalArgumentException(
          field + " must have at most " + MONEY_SCALE + " decimal places, was " + value);
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

  /** An unmodifiable copy of {@code list}, which must hold at least one item and no null. */
  static <T> List<T> items(List<T> list, String field) {
    List<T> copy = elements(list, field);
    if (copy.isEmpty()) {
      throw new IllegalArgumentException(field + " must contain at least one item");
    }
    return copy;
  }
}
