package io.stepwise.example.http;

/** Text from a request made safe for a log line. */
final class Logs {
  private Logs() {}

  /**
   * {@code text} with every control character (a line break, say) and every character outside
   * printable ASCII written as {@code \\uXXXX}, and a backslash as {@code \\\\}: a client cannot
   * forge log lines, nor hide text in a terminal, with an id it chose.
   */
  static String escape(String text) {
    if (text == null) {
      return "null";
    }
    StringBuilder escaped = null;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      boolean plain = c >= 0x20 && c < 0x7f && c != '\\';
      if (plain && escaped == null) {
        continue;
      }
      if (escaped == null) {
        escaped = new StringBuilder(text.length() + 16).append(text, 0, i);
      }
      if (plain) {
        escaped.append(c);
      } else if (c == '\\') {
        escaped.append("\\\\");
      } else {
        escaped.append(String.format("\\u%04x", (int) c));
      }
    }
    return escaped == null ? text : escaped.toString();
  }
}
