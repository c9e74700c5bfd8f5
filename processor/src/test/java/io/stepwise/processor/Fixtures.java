package io.stepwise.processor;

import com.google.testing.compile.JavaFileObjects;
import java.net.URL;
import java.util.ArrayList;
import java.util.List;
import javax.tools.JavaFileObject;

/** Fixture sources under {@code src/test/resources/fixtures}. */
public final class Fixtures {
  private Fixtures() {}

  public static List<JavaFileObject> sources(String dir, String... names) {
    List<JavaFileObject> sources = new ArrayList<>();
    for (String name : names) {
      URL url = Fixtures.class.getResource("/fixtures/" + dir + "/" + name + ".java");
      if (url == null) {
        throw new IllegalArgumentException("no fixture fixtures/" + dir + "/" + name + ".java");
      }
      sources.add(JavaFileObjects.forResource(url));
    }
    return sources;
  }
}
