package io.stepwise.processor.write;

import static com.google.testing.compile.CompilationSubject.assertThat;
import static com.google.testing.compile.Compiler.javac;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.google.testing.compile.Compilation;
import com.google.testing.compile.JavaFileObjects;
import io.stepwise.processor.WorkflowProcessor;
import javax.tools.JavaFileObject;
import org.junit.jupiter.api.Test;

/**
 * Generated code compiles without a warning under -Xlint:all -Werror, suppresses only what the
 * user's own types cause, and an invalid workflow leaves no follow-on errors about its runner.
 */
class CleanOutputTest {
  private static Compilation strict(JavaFileObject... sources) {
    return javac().withProcessors(new WorkflowProcessor()).withOptions("-Xlint:all", "-Werror")
        .compile(sources);
  }

  @Test
  void everyStepShapeCompilesWithoutWarnings() {
    JavaFileObject source = JavaFileObjects.forSourceLines("test.Shapes",
        "package test;",
        "import io.stepwise.annotations.*;",
        "import io.stepwise.runtime.*;",
        "import java.util.*;",
        "@Workflow(value = \"shapes\", result = \"maybe\")",
        "public class Shapes {",
        "  private final Map<String, List<Integer>> table;",
        "  public Shapes(Map<String, List<Integer>> table, int size, String[] names) { this.table = table; }",
        "  @Step(\"response\") StepResponse<List<? extends Number>, Map<String, Integer>> response(@Input int n) {",
        "    return new StepResponse<>(List.of(n), Map.of(\"n\", n)); }",
        "  @Compensate(\"response\") void undoResponse(Map<String, ?> input, StepContext ctx) {}",
        "  @Step(\"plain\") int plain(@From(\"response\") List<? extends Number> numbers) { return numbers.size(); }",
        "  @Compensate(\"plain\") static void undoPlain(long size) {}",
        "  boolean big(@From(\"plain\") Integer size) { return size > 1; }",
        "  @Step(\"maybe\") @When(\"big\") String[] maybe(@Input int n) { return new String[n]; }",
        "  @Step(\"nothing\") void nothing(@From(\"maybe\") Optional<String[]> names) throws Exception {}",
        "  @Compensate(\"nothing\") void undoNothing() {}",
        "}");
    Compilation compilation = strict(source);

    assertThat(compilation).succeededWithoutWarnings();
    assertThat(compilation).generatedSourceFile("test/ShapesRunner").contentsAsUtf8String()
        .contains("public WorkflowResult<Optional<String[]>> run(int input, RunOptions options)");
    assertThat(compilation).generatedSourceFile("test/ShapesRunner").contentsAsUtf8String()
        .contains("@SuppressWarnings(\"unchecked\")");
  }

  @Test
  void everyAsynchronousStepShapeCompilesWithoutWarnings() {
    JavaFileObject child = JavaFileObjects.forSourceLines("test.Pack",
        "package test;",
        "import io.stepwise.annotations.*;",
        "import java.util.concurrent.*;",
        "@Workflow(\"pack\")",
        "public class Pack {",
        "  @Step(\"box\") CompletableFuture<Integer> box(@Input String order) { return CompletableFuture.completedFuture(1); }",
        "  @Compensate(\"box\") void unbox(Integer box) {}",
        "}");
    JavaFileObject source = JavaFileObjects.forSourceLines("test.AsyncShapes",
        "package test;",
        "import io.stepwise.annotations.*;",
        "import io.stepwise.runtime.*;",
        "import java.util.*;",
        "import java.util.concurrent.*;",
        "@Workflow(value = \"async-shapes\", result = \"label\")",
        "public class AsyncShapes {",
        "  @Step(\"response\") CompletionStage<StepResponse<List<? extends Number>, Map<String, Integer>>> response(@Input int n) {",
        "    return CompletableFuture.completedFuture(new StepResponse<>(List.of(n), Map.of(\"n\", n))); }",
        "  @Compensate(\"response\") void undoResponse(Map<String, ?> input, StepContext ctx) {}",
        "  @Step(\"plain\") CompletableFuture<Integer> plain(@From(\"response\") List<? extends Number> numbers) {",
        "    return CompletableFuture.completedFuture(numbers.size()); }",
        "  @Compensate(\"plain\") static void undoPlain(long size) {}",
        "  boolean big(@From(\"plain\") Integer size) { return size > 1; }",
        "  @Step(\"maybe\") @When(\"big\") CompletionStage<? extends String> maybe(@Input int n) {",
        "    return CompletableFuture.completedFuture(\"x\"); }",
        "  @Step(value = \"tolerant\", continueOnPermanentFailure = true) CompletionStage<String> tolerant() {",
        "    return CompletableFuture.completedFuture(\"t\"); }",
        "  @Step(\"nothing\") CompletionStage<Void> nothing(@From(\"maybe\") Optional<String> name) {",
        "    return CompletableFuture.completedFuture(null); }",
        "  @Compensate(\"nothing\") void undoNothing() {}",
        "  @Step(\"left\") @Parallel(\"sides\") CompletableFuture<String> left(@From(\"tolerant\") Optional<String> t) {",
        "    return CompletableFuture.completedFuture(\"l\"); }",
        "  @Step(\"right\") @Parallel(\"sides\") String right(@From(\"plain\") Integer size) { return \"r\"; }",
        "  @Step(\"pack\") @ChildWorkflow(Pack.class) String pack(@From(\"left\") String left) { return left; }",
        "  @Hook(\"packed\") Integer packed(@From(\"pack\") Integer box) { return box; }",
        "  @Step(\"label\") String label(@From(\"left\") String left, @From(\"right\") String right) { return left + right; }",
        "}");
    Compilation compilation = strict(source, child);

    assertThat(compilation).succeededWithoutWarnings();
    assertThat(compilation).generatedSourceFile("test/AsyncShapesRunner").contentsAsUtf8String()
        .contains("private CompletionStage<String> steps(AsyncRun run, int input)");
    assertThat(compilation).generatedSourceFile("test/AsyncShapesRunner").contentsAsUtf8String()
        .contains("ctx -> this.packRunner.runAsChildAsync(workflow.pack(left), ctx)");
  }

  /** The edges of the chain: a group first, a group last whose member is the result, one step, no result. */
  @Test
  void asynchronousChainsStartingOrEndingWithAGroupOrWithOneStepCompileWithoutWarnings() {
    JavaFileObject groups = JavaFileObjects.forSourceLines("test.Groups",
        "package test;",
        "import io.stepwise.annotations.*;",
        "import java.util.concurrent.*;",
        "@Workflow(value = \"groups\", result = \"b\")",
        "public class Groups {",
        "  @Step(\"a\") @Parallel(\"first\") CompletableFuture<String> a(@Input String in) {",
        "    return CompletableFuture.completedFuture(in); }",
        "  @Step(\"z\") @Parallel(\"first\") int z() { return 1; }",
        "  @Step(\"b\") @Parallel(\"last\") CompletionStage<Long> b(@From(\"a\") String a, @From(\"z\") Integer z) {",
        "    return CompletableFuture.completedFuture(1L); }",
        "  @Step(\"c\") @Parallel(\"last\") @When(\"yes\") CompletionStage<Void> c() {",
        "    return CompletableFuture.completedFuture(null); }",
        "  boolean yes() { return true; }",
        "}");
    JavaFileObject single = JavaFileObjects.forSourceLines("test.Single",
        "package test;",
        "import io.stepwise.annotations.*;",
        "import java.util.concurrent.*;",
        "@Workflow(\"single\")",
        "public class Single {",
        "  @Step(\"only\") CompletionStage<Void> only() { return CompletableFuture.completedFuture(null); }",
        "  @Compensate(\"only\") void undo() {}",
        "}");
    Compilation compilation = strict(groups, single);

    assertThat(compilation).succeededWithoutWarnings();
    assertThat(compilation).generatedSourceFile("test/GroupsRunner").contentsAsUtf8String()
        .contains("private CompletionStage<Long> steps(AsyncRun run, String input)");
    assertThat(compilation).generatedSourceFile("test/SingleRunner").contentsAsUtf8String()
        .contains("public WorkflowResult<Void> run(RunOptions options)");
  }

  /**
   * A step named like the runner's field of a child (or a hook's slot) has a local of that name; in
   * an asynchronous chain it is a lambda parameter in scope of the later calls. The fields are
   * referred to with this., so both compile.
   */
  @Test
  void stepLocalsNamedLikeTheRunnersFieldsDoNotShadowThem() {
    JavaFileObject kid = JavaFileObjects.forSourceLines("test.Kid",
        "package test;",
        "import io.stepwise.annotations.*;",
        "@Workflow(\"kid\")",
        "public class Kid {",
        "  @Step(\"play\") String play(@Input String in) { return in; }",
        "}");
    for (String returns : new String[] {"String", "java.util.concurrent.CompletableFuture<String>"}) {
      String value = returns.equals("String") ? "\"k\"" : "java.util.concurrent.CompletableFuture.completedFuture(\"k\")";
      JavaFileObject parent = JavaFileObjects.forSourceLines("test.Parent",
          "package test;",
          "import io.stepwise.annotations.*;",
          "@Workflow(value = \"parent\", result = \"last\")",
          "public class Parent {",
          "  @Step(\"kid-runner\") " + returns + " kidRunner() { return " + value + "; }",
          "  @Step(\"greeted-hook\") " + returns + " greetedHook() { return " + value + "; }",
          "  @Step(\"kid\") @ChildWorkflow(Kid.class) String kid(@From(\"kid-runner\") String k) { return k; }",
          "  @Hook(\"greeted\") String greeted(@From(\"greeted-hook\") String g) { return g; }",
          "  @Step(\"last\") String last(@From(\"kid\") String k, @From(\"kid-runner\") String r,",
          "      @From(\"greeted-hook\") String g) { return k + r + g; }",
          "}");
      Compilation compilation = strict(parent, kid);

      assertThat(compilation).succeededWithoutWarnings();
      assertThat(compilation).generatedSourceFile("test/ParentRunner").contentsAsUtf8String()
          .contains("this.kidRunner.");
    }
  }

  /**
   * Steps named like the runner's own constants ({@code DIAGRAM}, {@code SPEC}, {@code WORKFLOW_NAME},
   * {@code TYPES}, {@code FINGERPRINT})
   * get constants of their own, and steps named like the names its methods use get locals of their
   * own: both in synchronous and asynchronous runners.
   */
  @Test
  void stepsNamedLikeTheRunnersOwnMembersGetNamesOfTheirOwn() {
    for (String returns : new String[] {"String", "java.util.concurrent.CompletableFuture<String>"}) {
      String value = returns.equals("String") ? "in" : "java.util.concurrent.CompletableFuture.completedFuture(in)";
      JavaFileObject source = JavaFileObjects.forSourceLines("test.Clash",
          "package test;",
          "import io.stepwise.annotations.*;",
          "@Workflow(value = \"clash\", result = \"workflow\")",
          "public class Clash {",
          "  @Step(\"diagram\") " + returns + " diagram(@Input String in) { return " + value + "; }",
          "  @Step(\"spec\") String spec(@From(\"diagram\") String in) { return in; }",
          "  @Step(\"workflow-name\") String workflowName(@From(\"spec\") String in) { return in; }",
          "  @Step(\"run\") String run(@From(\"workflow-name\") String in) { return in; }",
          "  @Step(\"ctx\") String ctx(@From(\"run\") String in, @From(\"diagram\") String d) { return in; }",
          "  @Step(\"runs\") String runs(@From(\"ctx\") String in) { return in; }",
          "  @Step(\"types\") String types(@From(\"runs\") String in) { return in; }",
          "  @Step(\"fingerprint\") String fingerprint(@From(\"types\") String in) { return in; }",
          "  @Step(\"engine\") String engine(@From(\"fingerprint\") String in) { return in; }",
          "  @Step(\"parent\") String parent(@From(\"engine\") String in) { return in; }",
          "  @Step(\"workflow\") String workflow(@From(\"parent\") String in, @Input String input) { return in; }",
          "}");
      Compilation compilation = strict(source);

      assertThat(compilation).succeededWithoutWarnings();
      assertThat(compilation).generatedSourceFile("test/ClashRunner").contentsAsUtf8String()
          .contains("private static final StepSpec DIAGRAM_ = StepSpec.of(\"diagram\", 0);");
      assertThat(compilation).generatedSourceFile("test/ClashRunner").contentsAsUtf8String()
          .contains("workflow.workflow(parent, input)");
      assertThat(compilation).generatedSourceFile("test/ClashRunner").contentsAsUtf8String()
          .contains("private static final StepSpec TYPES_ = StepSpec.of(\"types\", 0);");
      assertThat(compilation).generatedSourceFile("test/ClashRunner").contentsAsUtf8String()
          .contains("private static final StepSpec FINGERPRINT_ = StepSpec.of(\"fingerprint\", 0);");
    }
  }

  @Test
  void rawTypesOfTheUserAreSuppressedOnTheRunnerAndNothingElse() {
    JavaFileObject source = JavaFileObjects.forSourceLines("test.Raw",
        "package test;",
        "import io.stepwise.annotations.*;",
        "import java.util.*;",
        "@Workflow(\"raw\")",
        "class Raw {",
        "  @SuppressWarnings(\"rawtypes\") @Step(\"load\") List load() { return new ArrayList<String>(); }",
        "  @SuppressWarnings(\"rawtypes\") @Step(\"count\") int count(@From(\"load\") Collection all) { return all.size(); }",
        "}");
    Compilation compilation = strict(source);

    assertThat(compilation).succeededWithoutWarnings();
    String runner = GoldensText.of(compilation, "RawRunner.java");
    assertEquals(1, runner.split("@SuppressWarnings", -1).length - 1, runner);
    assertThat(compilation).generatedSourceFile("test/RawRunner").contentsAsUtf8String()
        .contains("@SuppressWarnings(\"rawtypes\")\n@Generated(\"io.stepwise.processor.WorkflowProcessor\")\nfinal class RawRunner");
  }

  @Test
  void plainWorkflowSuppressesNothing() {
    JavaFileObject source = JavaFileObjects.forSourceLines("test.Plain",
        "package test;",
        "import io.stepwise.annotations.*;",
        "@Workflow(\"plain\")",
        "public class Plain {",
        "  @Step(\"a\") String a(@Input String in) { return in; }",
        "}");
    Compilation compilation = strict(source);

    assertThat(compilation).succeededWithoutWarnings();
    String runner = GoldensText.of(compilation, "PlainRunner.java");
    assertEquals(-1, runner.indexOf("SuppressWarnings"), runner);
  }

  @Test
  void invalidWorkflowGetsNoRunnerAndCodeUsingTheRunnerAddsNoError() {
    JavaFileObject workflow = JavaFileObjects.forSourceLines("test.Broken",
        "package test;",
        "import io.stepwise.annotations.*;",
        "@Workflow(\"broken\")",
        "public class Broken {",
        "  @Step(\"a\") String a(@Input String in) { return in; }",
        "  @Step(\"b\") String b(@From(\"aa\") String x) { return x; }",
        "}");
    JavaFileObject user = JavaFileObjects.forSourceLines("test.User",
        "package test;",
        "class User {",
        "  Object use() { return new BrokenRunner(new Broken()).run(\"x\").result(); }",
        "}");
    Compilation compilation = javac().withProcessors(new WorkflowProcessor()).compile(workflow, user);

    assertThat(compilation).hadErrorCount(1);
    assertThat(compilation).hadErrorContaining("[stepwise:UnknownStep]").inFile(workflow).onLineContaining("\"aa\"");
  }

  /** The text of a generated file. */
  static final class GoldensText {
    static String of(Compilation compilation, String fileName) {
      return compilation.generatedSourceFiles().stream()
          .filter(f -> f.getName().endsWith(fileName))
          .map(f -> {
            try {
              return f.getCharContent(false).toString();
            } catch (java.io.IOException e) {
              throw new java.io.UncheckedIOException(e);
            }
          })
          .findFirst()
          .orElseThrow(() -> new AssertionError("no " + fileName + " in " + compilation.generatedSourceFiles()));
    }
  }
}
