package io.stepwise.processor;

import static com.google.testing.compile.CompilationSubject.assertThat;
import static org.junit.jupiter.api.Assertions.fail;

import com.google.testing.compile.Compilation;
import com.google.testing.compile.JavaFileObjects;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Optional;
import javax.tools.JavaFileObject;

/**
 * Golden files of generated code, in {@code src/test/resources/goldens/<TestClass>/<testMethod>/<fqcn>.java}.
 * Run with {@code -Dgoldens.update=true} to rewrite them, then review the diff.
 */
public final class Goldens {
  private Goldens() {}

  public static void assertGenerated(Compilation compilation, Class<?> testClass, String testMethod, String fqcn) {
    Path golden = dir().resolve(testClass.getSimpleName()).resolve(testMethod).resolve(fqcn + ".java");
    String path = fqcn.replace('.', '/') + ".java";
    Optional<JavaFileObject> generated = compilation.generatedSourceFiles().stream()
        .filter(file -> file.toUri().getPath().endsWith("/" + path))
        .findFirst();
    if (generated.isEmpty()) {
      fail("the processor generated no " + fqcn + "; it generated " + compilation.generatedSourceFiles());
    }
    String actual = content(generated.get());
    if (Boolean.getBoolean("goldens.update")) {
      try {
        Files.createDirectories(golden.getParent());
        Files.writeString(golden, actual, StandardCharsets.UTF_8);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      return;
    }
    if (!Files.exists(golden)) {
      fail("missing golden file " + golden.toAbsolutePath()
          + "; run the test with -Dgoldens.update=true to write it, then review it");
    }
    try {
      assertThat(compilation).generatedSourceFile(fqcn.replace('.', '/'))
          .hasSourceEquivalentTo(JavaFileObjects.forSourceString(fqcn, Files.readString(golden)));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Path dir() {
    String configured = System.getProperty("goldens.dir");
    return configured != null ? Paths.get(configured) : Paths.get("src/test/resources/goldens");
  }

  static String content(JavaFileObject file) {
    try {
      return file.getCharContent(false).toString();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
