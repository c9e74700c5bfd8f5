package io.stepwise.processor.collect;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Durations as annotations write them: {@code "500ms"}, {@code "2s"}, {@code "1.5m"}, {@code "1h"},
 * {@code "1d"}, or ISO-8601 ({@code "PT1.5S"}). Parsed at compile time into milliseconds.
 */
public final class Durations {
  private static final Pattern SIMPLE = Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*(ms|s|m|h|d)");
  /** ISO-8601, signed as {@link Duration#parse} allows: "PT1.5S", "-PT5S". */
  private static final Pattern ISO = Pattern.compile("[-+]?P.*", Pattern.CASE_INSENSITIVE);
  /** A number and a word, to tell what is wrong with "5", "-5s" or "5 seconds". */
  private static final Pattern LOOSE = Pattern.compile("(-?)(\\d+(?:\\.\\d+)?)\\s*(\\p{L}*)");

  private Durations() {}

  /** The result of parsing: milliseconds, or what is wrong. */
  public record Parsed(long millis, String problem) {
    public boolean ok() {
      return problem == null;
    }
  }

  public static Parsed parse(String text) {
    String trimmed = text.trim();
    Matcher matcher = SIMPLE.matcher(trimmed.toLowerCase(Locale.ROOT));
    if (matcher.matches()) {
      BigDecimal amount = new BigDecimal(matcher.group(1));
      long unit = switch (matcher.group(2)) {
        case "ms" -> 1L;
        case "s" -> 1_000L;
        case "m" -> 60_000L;
        case "h" -> 3_600_000L;
        default -> 86_400_000L;
      };
      BigDecimal millis = amount.multiply(BigDecimal.valueOf(unit));
      if (millis.stripTrailingZeros().scale() > 0) {
        return new Parsed(0, "it is not a whole number of milliseconds");
      }
      if (millis.compareTo(BigDecimal.valueOf(Long.MAX_VALUE)) > 0) {
        return new Parsed(0, "it is too long");
      }
      return new Parsed(millis.longValueExact(), null);
    }
    if (ISO.matcher(trimmed).matches()) {
      Duration duration;
      try {
        duration = Duration.parse(trimmed);
      } catch (DateTimeParseException e) {
        return new Parsed(0, "it is not a valid ISO-8601 duration");
      }
      try {
        if (duration.isNegative()) {
          return new Parsed(0, "it is negative");
        }
        if (duration.getNano() % 1_000_000 != 0) {
          return new Parsed(0, "it is not a whole number of milliseconds");
        }
        return new Parsed(duration.toMillis(), null);
      } catch (ArithmeticException e) {
        return new Parsed(0, "it is too long");
      }
    }
    return new Parsed(0, problem(trimmed));
  }

  /** Why a text that is neither form is not a duration, as precisely as we can tell. */
  private static String problem(String trimmed) {
    if (trimmed.isEmpty()) {
      return "it is empty";
    }
    Matcher loose = LOOSE.matcher(trimmed);
    if (!loose.matches()) {
      return "it is neither a number with a unit of ms, s, m, h or d, nor an ISO-8601 duration";
    }
    if (!loose.group(1).isEmpty()) {
      return "it is negative";
    }
    if (loose.group(3).isEmpty()) {
      return "it has no unit; add ms, s, m, h or d";
    }
    return "'" + loose.group(3) + "' is not a unit; use ms, s, m, h or d";
  }
}
