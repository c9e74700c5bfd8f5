package io.stepwise.processor.diag;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;

/** "Did you mean ...?" for misspelt names: the known names closest by edit distance. */
public final class Suggestions {
  private Suggestions() {}

  /**
   * A suffix for a message: {@code "; did you mean 'create-order'?"}, or empty when no known name
   * is close enough (at most a third of the longer name's characters differ).
   */
  public static String didYouMean(String unknown, Collection<String> known) {
    List<String> closest = closest(unknown, known);
    if (closest.isEmpty()) {
      return "";
    }
    if (closest.size() == 1) {
      return "; did you mean '" + closest.get(0) + "'?";
    }
    StringBuilder names = new StringBuilder();
    for (int i = 0; i < closest.size(); i++) {
      names.append(i == 0 ? "" : i == closest.size() - 1 ? " or " : ", ").append('\'').append(closest.get(i)).append('\'');
    }
    return "; did you mean " + names + "?";
  }

  /** The known names at the smallest edit distance from {@code unknown}, if close enough; sorted. */
  public static List<String> closest(String unknown, Collection<String> known) {
    int best = Integer.MAX_VALUE;
    List<String> result = new ArrayList<>();
    for (String candidate : known) {
      int distance = distance(unknown.toLowerCase(), candidate.toLowerCase());
      int allowed = Math.max(1, Math.max(unknown.length(), candidate.length()) / 3);
      if (distance > allowed || candidate.equals(unknown)) {
        continue;
      }
      if (distance < best) {
        best = distance;
        result.clear();
      }
      if (distance == best && !result.contains(candidate)) {
        result.add(candidate);
      }
    }
    result.sort(Comparator.naturalOrder());
    return result;
  }

  /** Levenshtein distance, with a transposition of neighbours counted as one edit. */
  static int distance(String a, String b) {
    int[][] d = new int[a.length() + 1][b.length() + 1];
    for (int i = 0; i <= a.length(); i++) {
      d[i][0] = i;
    }
    for (int j = 0; j <= b.length(); j++) {
      d[0][j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      for (int j = 1; j <= b.length(); j++) {
        int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
        d[i][j] = Math.min(Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1), d[i - 1][j - 1] + cost);
        if (i > 1 && j > 1 && a.charAt(i - 1) == b.charAt(j - 2) && a.charAt(i - 2) == b.charAt(j - 1)) {
          d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
        }
      }
    }
    return d[a.length()][b.length()];
  }
}
