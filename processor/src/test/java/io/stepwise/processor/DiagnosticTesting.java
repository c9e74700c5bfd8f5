package io.stepwise.processor;

import static com.google.common.truth.Truth.assertWithMessage;
import static com.google.testing.compile.Compiler.javac;

import com.google.testing.compile.Compilation;
import com.google.testing.compile.JavaFileObjects;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.WeakHashMap;
import java.util.stream.Collectors;
import javax.annotation.processing.Completion;
import javax.lang.model.element.AnnotationMirror;
import javax.lang.model.element.ExecutableElement;
import javax.lang.model.util.Elements;
import javax.lang.model.util.Types;
import javax.tools.Diagnostic;
import javax.tools.JavaFileObject;

/**
 * Shared setup of the diagnostics suite: one compiler configuration (javac with a fresh
 * {@link WorkflowProcessor}, since a processor instance can be initialised only once) and inline
 * workflow sources in package {@code test}.
 */
final class DiagnosticTesting {
  private DiagnosticTesting() {}

  /** The imports every inline source gets, so the lines of a test show only the workflow. */
  private static final List<String> HEADER = List.of(
      "package test;",
      "import io.stepwise.annotations.*;",
      "import io.stepwise.runtime.*;",
      "import java.util.*;");

  /** A source file {@code test.<simpleName>} with the usual imports, then {@code lines}. */
  static JavaFileObject source(String simpleName, String... lines) {
    List<String> all = new ArrayList<>(HEADER);
    all.addAll(Arrays.asList(lines));
    return JavaFileObjects.forSourceLines("test." + simpleName, all);
  }

  /** What the processor under test asked its Filer to create, per compilation. */
  private static final Map<Compilation, List<String>> CREATED = Collections.synchronizedMap(new WeakHashMap<>());

  /** Compiles with the processor under test. */
  static Compilation compile(JavaFileObject... sources) {
    return compile(List.of(), sources);
  }

  /** Compiles with the processor under test and the given javac options. */
  static Compilation compile(List<String> options, JavaFileObject... sources) {
    RecordingProcessor processor = new RecordingProcessor();
    Compilation compilation = javac().withProcessors(processor).withOptions(options).compile(sources);
    assertWithMessage("the processor under test was initialised").that(processor.initialised()).isTrue();
    CREATED.put(compilation, processor.created().stream().map(RecordingProcessor.Created::name).toList());
    return compilation;
  }

  /** The source of the generated file {@code qualifiedName} (a runner: {@code test.CheckoutRunner}). */
  static String generated(Compilation c, String qualifiedName) {
    try {
      return c.generatedSourceFile(qualifiedName).orElseThrow().getCharContent(true).toString();
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  /** Compiles with javac alone, to learn which errors are javac's own. */
  static Compilation compileWithoutProcessor(JavaFileObject... sources) {
    return javac().withProcessors().compile(sources);
  }

  /** {@code jakarta.inject.Inject}, which the processor knows by name; the test class path has no JSR-330 jar. */
  static JavaFileObject jakartaInject() {
    return JavaFileObjects.forSourceLines("jakarta.inject.Inject",
        "package jakarta.inject;",
        "import java.lang.annotation.*;",
        "@Retention(RetentionPolicy.RUNTIME) @Target({ElementType.CONSTRUCTOR, ElementType.METHOD, ElementType.FIELD})",
        "public @interface Inject {}");
  }

  /**
   * No runner was generated for {@code test.<workflow>}: the processor never asked the Filer for it.
   * (compile-testing hides the generated files of a failed compilation, so we record the Filer's
   * requests instead; for a successful one we also look at the generated files.)
   */
  static void assertNoRunner(Compilation compilation, String workflowSimpleName) {
    String runner = "test." + workflowSimpleName + "Runner";
    assertWithMessage("sources the processor created").that(created(compilation)).doesNotContain(runner);
    if (compilation.status() == Compilation.Status.SUCCESS) {
      assertWithMessage("generated sources").that(compilation.generatedSourceFiles().stream()
              .map(JavaFileObject::getName)
              .filter(name -> name.endsWith("/" + workflowSimpleName + "Runner.java"))
              .collect(Collectors.toList()))
          .isEmpty();
    }
  }

  /** A runner was generated for {@code test.<workflow>}. */
  static void assertRunner(Compilation compilation, String workflowSimpleName) {
    assertWithMessage("sources the processor created").that(created(compilation))
        .contains("test." + workflowSimpleName + "Runner");
    if (compilation.status() == Compilation.Status.SUCCESS) {
      assertWithMessage("generated sources").that(compilation.generatedSourceFiles().stream()
              .anyMatch(file -> file.getName().endsWith("/test/" + workflowSimpleName + "Runner.java")))
          .isTrue();
    }
  }

  private static List<String> created(Compilation compilation) {
    List<String> created = CREATED.get(compilation);
    assertWithMessage("compilation made by DiagnosticTesting.compile").that(created).isNotNull();
    return created;
  }

  /** The messages of all diagnostics of a kind, for assertions on what is absent. */
  static List<String> messages(Compilation compilation, Diagnostic.Kind kind) {
    return compilation.diagnostics().stream()
        .filter(d -> d.getKind() == kind)
        .map(d -> d.getMessage(Locale.ROOT))
        .collect(Collectors.toList());
  }

  /** Every stepwise diagnostic of the compilation, of any kind. */
  static List<String> stepwiseMessages(Compilation compilation) {
    return compilation.diagnostics().stream()
        .map(d -> d.getMessage(Locale.ROOT))
        .filter(m -> m.contains("[stepwise:"))
        .collect(Collectors.toList());
  }
}
