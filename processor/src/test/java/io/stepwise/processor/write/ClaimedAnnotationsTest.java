package io.stepwise.processor.write;

import static com.google.testing.compile.CompilationSubject.assertThat;
import static com.google.testing.compile.Compiler.javac;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.google.testing.compile.Compilation;
import com.google.testing.compile.JavaFileObjects;
import io.stepwise.processor.WorkflowProcessor;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import javax.annotation.processing.AbstractProcessor;
import javax.annotation.processing.RoundEnvironment;
import javax.lang.model.SourceVersion;
import javax.lang.model.element.Element;
import javax.lang.model.element.TypeElement;
import javax.tools.JavaFileObject;
import org.junit.jupiter.api.Test;

/**
 * The processor claims Stepwise's annotations, and the {@code @Generated} of its own runners, so a
 * build with {@code javac -Xlint:all -Werror} (and no {@code -processing}) does not fail on "No
 * processor claimed any of these annotations"; it leaves another tool's {@code @Generated} to the
 * processors after it.
 */
class ClaimedAnnotationsTest {
  /** A workflow with every Stepwise annotation, and the child workflow it runs. */
  private static final JavaFileObject EVERY_ANNOTATION = JavaFileObjects.forSourceLines("test.Everything",
      "package test;",
      "import io.stepwise.annotations.*;",
      "@Workflow(value = \"everything\", result = \"ship\")",
      "public class Everything {",
      "  @Step(\"reserve\") String reserve(@Input String order) { return order; }",
      "  @Compensate(\"reserve\") void release(String reservation) {}",
      "  boolean paid(@From(\"reserve\") String reservation) { return !reservation.isEmpty(); }",
      "  @Step(\"charge\") @When(\"paid\") @Parallel(\"money\") String charge(@Input String order) { return order; }",
      "  @Step(\"points\") @Parallel(\"money\") int points(@From(\"reserve\") String reservation) { return 1; }",
      "  @Hook(\"approved\") String approve(@From(\"points\") Integer points) { return \"p\" + points; }",
      "  @Step(\"ship\") @ChildWorkflow(Ship.class) String ship(@From(\"reserve\") String reservation) { return reservation; }",
      "}");
  private static final JavaFileObject CHILD = JavaFileObjects.forSourceLines("test.Ship",
      "package test;",
      "import io.stepwise.annotations.*;",
      "@Workflow(\"ship\")",
      "public class Ship {",
      "  @Step(\"label\") String label(@Input String reservation) { return reservation; }",
      "}");

  @Test
  void everyAnnotationAndTheRunnersGeneratedAreClaimedUnderXlintAllAndWerror() {
    Compilation compilation = javac().withProcessors(new WorkflowProcessor())
        .withOptions("-Xlint:all", "-Werror")
        .compile(EVERY_ANNOTATION, CHILD);

    assertThat(compilation).succeededWithoutWarnings();
    assertThat(compilation).generatedSourceFile("test/EverythingRunner").contentsAsUtf8String()
        .contains("@Generated(\"io.stepwise.processor.WorkflowProcessor\")");
    assertThat(compilation).generatedSourceFile("test/ShipRunner");
  }

  /**
   * A processor of the same annotations that claims nothing fails the same build: the test above
   * proves the claim, not a quiet javac.
   */
  @Test
  void unclaimedAnnotationsFailTheSameBuild() {
    Compilation compilation = javac().withProcessors(new Reader(new WorkflowProcessor().getSupportedAnnotationTypes()))
        .withOptions("-Xlint:all", "-Werror")
        .compile(EVERY_ANNOTATION, CHILD);

    assertThat(compilation).failed();
    assertThat(compilation).hadWarningContaining("No processor claimed any of these annotations");
    assertThat(compilation).hadWarningContaining("io.stepwise.annotations.From");
  }

  /**
   * A round that also holds another tool's {@code @Generated} claims nothing, so a processor after
   * ours still receives it; javac warns about it as it would without Stepwise.
   */
  @Test
  void anotherToolsGeneratedIsLeftToTheProcessorsAfterOurs() {
    JavaFileObject foreign = JavaFileObjects.forSourceLines("test.Model",
        "package test;",
        "@javax.annotation.processing.Generated(\"org.example.OpenApiGenerator\")",
        "public class Model {}");
    Reader after = new Reader(Set.of("javax.annotation.processing.Generated"));
    Compilation compilation = javac().withProcessors(new WorkflowProcessor(), after)
        .withOptions("-Xlint:all")
        .compile(EVERY_ANNOTATION, CHILD, foreign);

    assertThat(compilation).succeeded();
    assertThat(compilation).hadWarningContaining("javax.annotation.processing.Generated");
    // The later round, which holds only our runners, claims their @Generated: the reader never sees them.
    assertEquals(List.of("test.Model"), after.seen);
  }

  /** Records the elements it is given for its annotation types, claiming nothing. */
  private static final class Reader extends AbstractProcessor {
    private final Set<String> types;
    final List<String> seen = new ArrayList<>();

    Reader(Set<String> types) {
      this.types = types;
    }

    @Override
    public Set<String> getSupportedAnnotationTypes() {
      return types;
    }

    @Override
    public SourceVersion getSupportedSourceVersion() {
      return SourceVersion.latestSupported();
    }

    @Override
    public boolean process(Set<? extends TypeElement> annotations, RoundEnvironment round) {
      for (TypeElement annotation : annotations) {
        for (Element element : round.getElementsAnnotatedWith(annotation)) {
          seen.add(element instanceof TypeElement type ? type.getQualifiedName().toString() : element.toString());
        }
      }
      return false;
    }
  }
}
