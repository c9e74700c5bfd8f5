package io.stepwise.processor;

import static com.google.common.truth.Truth.assertWithMessage;
import static com.google.testing.compile.Compiler.javac;

import com.google.testing.compile.Compilation;
import com.google.testing.compile.JavaFileObjects;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.WeakHashMap;
import java.util.stream.Collectors;
import javax.annotation.processing.Completion;
import javax.annotation.processing.Filer;
import javax.annotation.processing.Messager;
import javax.annotation.processing.ProcessingEnvironment;
import javax.annotation.processing.Processor;
import javax.annotation.processing.RoundEnvironment;
import javax.lang.model.SourceVersion;
import javax.lang.model.element.AnnotationMirror;
import javax.lang.model.element.Element;
import javax.lang.model.element.ExecutableElement;
import javax.lang.model.element.TypeElement;
import javax.lang.model.util.Elements;
import javax.lang.model.util.Types;
import javax.tools.Diagnostic;
import javax.tools.FileObject;
import javax.tools.JavaFileManager;
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
    FilerRecorder processor = new FilerRecorder(new WorkflowProcessor());
    Compilation compilation = javac().withProcessors(processor).withOptions(options).compile(sources);
    assertWithMessage("the processor under test was initialised").that(processor.initialised).isTrue();
    CREATED.put(compilation, List.copyOf(processor.created));
    return compilation;
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

  /** Runs the processor under test with a Filer that records each source file it creates. */
  private static final class FilerRecorder implements Processor {
    private final Processor delegate;
    final List<String> created = Collections.synchronizedList(new ArrayList<>());
    boolean initialised;

    FilerRecorder(Processor delegate) {
      this.delegate = delegate;
    }

    @Override
    public Set<String> getSupportedOptions() {
      return delegate.getSupportedOptions();
    }

    @Override
    public Set<String> getSupportedAnnotationTypes() {
      return delegate.getSupportedAnnotationTypes();
    }

    @Override
    public SourceVersion getSupportedSourceVersion() {
      return delegate.getSupportedSourceVersion();
    }

    @Override
    public void init(ProcessingEnvironment env) {
      initialised = true;
      Filer filer = env.getFiler();
      Filer recording = new Filer() {
        @Override
        public JavaFileObject createSourceFile(CharSequence name, Element... originatingElements) throws IOException {
          created.add(name.toString());
          return filer.createSourceFile(name, originatingElements);
        }

        @Override
        public JavaFileObject createClassFile(CharSequence name, Element... originatingElements) throws IOException {
          created.add(name.toString());
          return filer.createClassFile(name, originatingElements);
        }

        @Override
        public FileObject createResource(JavaFileManager.Location location, CharSequence moduleAndPkg,
            CharSequence relativeName, Element... originatingElements) throws IOException {
          return filer.createResource(location, moduleAndPkg, relativeName, originatingElements);
        }

        @Override
        public FileObject getResource(JavaFileManager.Location location, CharSequence moduleAndPkg,
            CharSequence relativeName) throws IOException {
          return filer.getResource(location, moduleAndPkg, relativeName);
        }
      };
      delegate.init(new ProcessingEnvironment() {
        @Override public Map<String, String> getOptions() { return env.getOptions(); }
        @Override public Messager getMessager() { return env.getMessager(); }
        @Override public Filer getFiler() { return recording; }
        @Override public Elements getElementUtils() { return env.getElementUtils(); }
        @Override public Types getTypeUtils() { return env.getTypeUtils(); }
        @Override public SourceVersion getSourceVersion() { return env.getSourceVersion(); }
        @Override public Locale getLocale() { return env.getLocale(); }
        @Override public boolean isPreviewEnabled() { return env.isPreviewEnabled(); }
      });
    }

    @Override
    public boolean process(Set<? extends TypeElement> annotations, RoundEnvironment round) {
      return delegate.process(annotations, round);
    }

    @Override
    public Iterable<? extends Completion> getCompletions(Element element, AnnotationMirror annotation,
        ExecutableElement member, String userText) {
      return delegate.getCompletions(element, annotation, member, userText);
    }
  }
}
