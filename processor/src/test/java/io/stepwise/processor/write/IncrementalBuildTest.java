package io.stepwise.processor.write;

import static com.google.testing.compile.CompilationSubject.assertThat;
import static com.google.testing.compile.Compiler.javac;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.google.testing.compile.Compilation;
import com.google.testing.compile.JavaFileObjects;
import io.stepwise.processor.RecordingProcessor;
import io.stepwise.processor.WorkflowProcessor;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.stream.Collectors;
import javax.tools.JavaFileObject;
import org.junit.jupiter.api.Test;

/**
 * The processor is declared to Gradle as "isolating": every file it writes must have exactly one
 * originating element, the workflow it was generated from.
 */
class IncrementalBuildTest {

  @Test
  void eachGeneratedFileHasItsWorkflowAsItsOnlyOriginatingElement() {
    JavaFileObject first = JavaFileObjects.forSourceLines("test.First",
        "package test;",
        "import io.stepwise.annotations.*;",
        "@Workflow(\"first\") class First {",
        "  @Step(\"a\") String a(@Input String in) { return in; }",
        "}");
    JavaFileObject second = JavaFileObjects.forSourceLines("test.Outer",
        "package test;",
        "import io.stepwise.annotations.*;",
        "class Outer {",
        "  @Workflow(\"second\") static class Second {",
        "    @Step(\"b\") void b() {}",
        "  }",
        "}");
    RecordingProcessor processor = new RecordingProcessor();
    Compilation compilation = javac().withProcessors(processor).compile(first, second);

    assertThat(compilation).succeededWithoutWarnings();
    List<RecordingProcessor.Created> created = processor.created();
    assertEquals(List.of(List.of("test.First"), List.of("test.Outer.Second")),
        created.stream().filter(c -> c.name().endsWith("Runner")).map(RecordingProcessor.Created::originatingElements)
            .collect(Collectors.toList()));
    for (RecordingProcessor.Created file : created) {
      assertEquals(1, file.originatingElements().size(), file.toString());
    }
  }

  @Test
  void gradleDeclarationSaysIsolatingForThisProcessor() throws IOException {
    try (InputStream in = WorkflowProcessor.class.getResourceAsStream("/META-INF/gradle/incremental.annotation.processors")) {
      String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      List<String> entries = text.lines().map(String::trim)
          .filter(line -> !line.isEmpty() && !line.startsWith("#"))
          .collect(Collectors.toList());
      assertEquals(List.of(WorkflowProcessor.class.getName() + ",isolating"), entries);
    }
  }
}
