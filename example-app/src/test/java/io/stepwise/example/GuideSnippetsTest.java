package io.stepwise.example;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The code blocks of docs/guide.md that follow a {@code <!-- snippet: path -->} line are copies of
 * that file's code (lines in a row, at any indentation): the guide shows code that compiles and runs.
 */
class GuideSnippetsTest {
  private static final String MARKER = "<!-- snippet: ";

  @Test
  void everyMarkedSnippetOfTheGuideIsCodeOfItsFile() throws IOException {
    Path root = repositoryRoot();
    List<String> guide = Files.readAllLines(root.resolve("docs/guide.md"));
    int snippets = 0;
    for (int i = 0; i < guide.size(); i++) {
      String line = guide.get(i).strip();
      if (!line.startsWith(MARKER)) {
        continue;
      }
      String path = line.substring(MARKER.length(), line.indexOf(" -->"));
      assertTrue(guide.get(i + 1).startsWith("```"), "docs/guide.md:" + (i + 2) + ": a code block must follow " + line);
      List<String> snippet = new ArrayList<>();
      for (int j = i + 2; !guide.get(j).startsWith("```"); j++) {
        snippet.add(guide.get(j));
      }
      assertFalse(snippet.isEmpty(), "docs/guide.md:" + (i + 2) + ": empty snippet");
      if (!contains(Files.readAllLines(root.resolve(path)), snippet)) {
        fail("docs/guide.md:" + (i + 3) + ": the snippet that begins \"" + snippet.get(0).strip() + "\" is not in "
            + path + " as it stands; copy the code from that file again");
      }
      snippets++;
    }
    assertTrue(snippets >= 2, "docs/guide.md has " + snippets + " marked snippets; its testing section has two");
  }

  /** Whether {@code file} holds {@code snippet} as lines in a row, all indented by the same prefix. */
  static boolean contains(List<String> file, List<String> snippet) {
    String first = snippet.get(0);
    for (int start = 0; start + snippet.size() <= file.size(); start++) {
      String candidate = file.get(start);
      if (!candidate.endsWith(first) || !candidate.substring(0, candidate.length() - first.length()).isBlank()) {
        continue;
      }
      String indent = candidate.substring(0, candidate.length() - first.length());
      boolean all = true;
      for (int j = 1; j < snippet.size() && all; j++) {
        String expected = snippet.get(j).isEmpty() ? "" : indent + snippet.get(j);
        all = file.get(start + j).stripTrailing().equals(expected.stripTrailing());
      }
      if (all) {
        return true;
      }
    }
    return false;
  }

  @Test
  void aSnippetMatchesOnlyLinesInARowAtOneIndentation() {
    List<String> file = List.of("class A {", "  void a() {", "    b();", "  }", "}");

    assertTrue(contains(file, List.of("void a() {", "  b();", "}")));
    assertFalse(contains(file, List.of("void a() {", "b();")));
    assertFalse(contains(file, List.of("void a() {", "  c();")));
    assertFalse(contains(file, List.of("class A {", "}")));
  }

  private static Path repositoryRoot() {
    for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
      if (Files.isRegularFile(dir.resolve("docs/guide.md"))) {
        return dir;
      }
    }
    throw new IllegalStateException("no docs/guide.md in " + Path.of("").toAbsolutePath() + " or above");
  }
}
