package io.stepwise.processor.write;

import static com.google.testing.compile.CompilationSubject.assertThat;
import static com.google.testing.compile.Compiler.javac;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.testing.compile.Compilation;
import com.google.testing.compile.JavaFileObjects;
import io.stepwise.processor.WorkflowProcessor;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.tools.JavaFileObject;
import org.junit.jupiter.api.Test;

/**
 * The {@code FINGERPRINT} of a runner: the same definition has the same one in every compilation;
 * renaming, reordering, retyping a step or changing its kind changes it; what does not change what
 * a run records (retries, Java names of methods and parameters, compensations) does not.
 */
class FingerprintTest {
  private static final Pattern FINGERPRINT = Pattern.compile("FINGERPRINT = \"(sha256:[0-9a-f]{16})\"");

  /** The workflow every case changes: a StepResponse step, a value step, a void step. */
  private static final String CHECKOUT = String.join("\n",
      "package test;",
      "import io.stepwise.annotations.*;",
      "import io.stepwise.runtime.*;",
      "import java.util.List;",
      "import java.util.concurrent.CompletableFuture;",
      "@Workflow(\"checkout\")",
      "public class Checkout {",
      "  @Step(\"reserve\")",
      "  StepResponse<String, Integer> reserve(@Input String order) { return new StepResponse<>(order, 1); }",
      "  @Compensate(\"reserve\")",
      "  void release(Integer id) {}",
      "  @Step(\"charge\")",
      "  List<String> charge(@From(\"reserve\") String reservation) { return List.of(reservation); }",
      "  @Step(\"ship\")",
      "  void ship() {}",
      "  boolean wanted() { return true; }",
      "}");

  private static final String CHARGE = "  @Step(\"charge\")\n"
      + "  List<String> charge(@From(\"reserve\") String reservation) { return List.of(reservation); }\n";
  private static final String SHIP = "  @Step(\"ship\")\n  void ship() {}\n";

  /** The canonical text the fingerprint hashes, pinned: a change of its form changes every fingerprint. */
  @Test
  void isTheSha256OfTheCanonicalText() throws Exception {
    String text = String.join("\n",
        "workflow \"checkout\"",
        "input java.lang.String",
        "result java.lang.Void",
        "step 0 \"reserve\" step: java.lang.String / java.lang.Integer",
        "step 1 \"charge\" value: java.util.List<java.lang.String> / java.util.List<java.lang.String>",
        "step 2 \"ship\" void: java.lang.Void / java.lang.Void",
        "");
    assertEquals(sha256(text), fingerprint(CHECKOUT));
  }

  @Test
  void sameDefinition_sameFingerprintInEveryCompilation() {
    String first = fingerprint(CHECKOUT);
    assertEquals(first, fingerprint(CHECKOUT));
    assertEquals(first, fingerprint(CHECKOUT.replace("public class Checkout", "public class Other")
        .replace("package test;", "package other;")), "the class and its package are not the definition");
  }

  @Test
  void whatARunDoesNotRecord_keepsTheFingerprint() {
    String fingerprint = fingerprint(CHECKOUT);
    assertEquals(fingerprint, fingerprint(CHECKOUT.replace("@Step(\"charge\")",
        "@Step(value = \"charge\", maxRetries = 3, timeout = \"5s\")")), "retries and timeouts");
    assertEquals(fingerprint, fingerprint(CHECKOUT.replace("charge(@From(\"reserve\") String reservation) { return List.of(reservation)",
        "bill(@From(\"reserve\") String r) { return List.of(r)")), "the Java names of the method and its parameter");
    assertEquals(fingerprint, fingerprint(CHECKOUT.replace("  @Compensate(\"reserve\")\n  void release(Integer id) {}\n",
        "")), "a compensation");
  }

  @Test
  void renamedStep_changesTheFingerprint() {
    assertNotEquals(fingerprint(CHECKOUT), fingerprint(CHECKOUT.replace("@Step(\"charge\")", "@Step(\"bill\")")));
  }

  @Test
  void renamedWorkflow_changesTheFingerprint() {
    assertNotEquals(fingerprint(CHECKOUT), fingerprint(CHECKOUT.replace("@Workflow(\"checkout\")",
        "@Workflow(\"check-out\")")));
  }

  @Test
  void reorderedSteps_changeTheFingerprint() {
    assertTrue(CHECKOUT.contains(CHARGE + SHIP));
    assertNotEquals(fingerprint(CHECKOUT), fingerprint(CHECKOUT.replace(CHARGE + SHIP, SHIP + CHARGE)));
  }

  @Test
  void retypedOutput_changesTheFingerprint() {
    assertNotEquals(fingerprint(CHECKOUT), fingerprint(CHECKOUT.replace(CHARGE,
        CHARGE.replace("List<String> charge", "List<CharSequence> charge"))));
  }

  @Test
  void retypedCompensationInput_changesTheFingerprint() {
    assertNotEquals(fingerprint(CHECKOUT), fingerprint(CHECKOUT
        .replace("StepResponse<String, Integer> reserve", "StepResponse<String, Long> reserve")
        .replace("new StepResponse<>(order, 1)", "new StepResponse<>(order, 1L)")
        .replace("void release(Integer id)", "void release(Long id)")));
  }

  @Test
  void retypedInput_changesTheFingerprint() {
    assertNotEquals(fingerprint(CHECKOUT), fingerprint(CHECKOUT
        .replace("reserve(@Input String order) { return new StepResponse<>(order, 1)",
            "reserve(@Input CharSequence order) { return new StepResponse<>(order.toString(), 1)")));
  }

  /** The same types a run records, another kind of step: each kind changes the fingerprint, and each differently. */
  @Test
  void changedKind_changesTheFingerprint() {
    String value = fingerprint(CHECKOUT);
    String response = fingerprint(CHECKOUT.replace(CHARGE, "  @Step(\"charge\")\n"
        + "  StepResponse<List<String>, List<String>> charge(@From(\"reserve\") String r) {"
        + " return new StepResponse<>(List.of(r), List.of(r)); }\n"));
    String async = fingerprint(CHECKOUT.replace(CHARGE, "  @Step(\"charge\")\n"
        + "  CompletableFuture<List<String>> charge(@From(\"reserve\") String r) {"
        + " return CompletableFuture.completedFuture(List.of(r)); }\n"));
    String conditional = fingerprint(CHECKOUT.replace("@Step(\"charge\")", "@Step(\"charge\") @When(\"wanted\")"));
    String grouped = fingerprint(CHECKOUT.replace("@Step(\"charge\")", "@Step(\"charge\") @Parallel(\"send\")")
        .replace("@Step(\"ship\")", "@Step(\"ship\") @Parallel(\"send\")"));
    String tolerant = fingerprint(CHECKOUT.replace("@Step(\"charge\")", "@Step(value = \"charge\", continueOnPermanentFailure = true)"));
    String noWait = fingerprint(CHECKOUT.replace("@Step(\"charge\")", "@Step(value = \"charge\", noWait = true)"));
    Set<String> all = new HashSet<>(List.of(value, response, async, conditional, grouped, tolerant, noWait));
    assertEquals(7, all.size(), all::toString);
  }

  /**
   * A step that gains a java.sql.Connection (its work then commits with its checkpoint) is another
   * kind of step, and one that loses it again has the fingerprint it had: the parameter's name and
   * place do not count, nor does a StepContext beside it.
   */
  @Test
  void connectionParameter_changesTheKind() throws Exception {
    String plain = fingerprint(CHECKOUT);
    String transactional = fingerprint(CHECKOUT.replace("charge(@From(\"reserve\") String reservation)",
        "charge(@From(\"reserve\") String reservation, java.sql.Connection connection)"));
    assertNotEquals(plain, transactional);
    assertEquals(transactional, fingerprint(CHECKOUT.replace("charge(@From(\"reserve\") String reservation)",
        "charge(java.sql.Connection db, StepContext ctx, @From(\"reserve\") String reservation)")));
    String text = String.join("\n",
        "workflow \"checkout\"",
        "input java.lang.String",
        "result java.lang.Void",
        "step 0 \"reserve\" step: java.lang.String / java.lang.Integer",
        "step 1 \"charge\" value transactional: java.util.List<java.lang.String> / java.util.List<java.lang.String>",
        "step 2 \"ship\" void: java.lang.Void / java.lang.Void",
        "");
    assertEquals(sha256(text), transactional);
    String transactionalVoid = fingerprint(CHECKOUT.replace("void ship()", "void ship(java.sql.Connection connection)"));
    assertEquals(6, new HashSet<>(List.of(plain, transactional, transactionalVoid,
        fingerprint(CHECKOUT.replace("reserve(@Input String order)", "reserve(@Input String order, java.sql.Connection c)")),
        fingerprint(CHECKOUT.replace("@Step(\"charge\")", "@Step(\"charge\") @When(\"wanted\")")),
        fingerprint(CHECKOUT.replace("@Step(\"charge\")", "@Step(\"charge\") @When(\"wanted\")")
            .replace("charge(@From(\"reserve\") String reservation)",
                "charge(@From(\"reserve\") String reservation, java.sql.Connection connection)")))).size());
  }

  private static String sha256(String text) throws Exception {
    byte[] hash = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
    return "sha256:" + HexFormat.of().formatHex(hash).substring(0, 16);
  }

  /** Compiles {@code source} without a warning and returns its runner's fingerprint. */
  private static String fingerprint(String source) {
    Matcher pkg = Pattern.compile("package (\\w+);").matcher(source);
    Matcher cls = Pattern.compile("public class (\\w+)").matcher(source);
    assertTrue(pkg.find() && cls.find());
    JavaFileObject file = JavaFileObjects.forSourceString(pkg.group(1) + "." + cls.group(1), source);
    Compilation compilation = javac().withProcessors(new WorkflowProcessor()).withOptions("-Xlint:all,-processing")
        .compile(file);
    assertThat(compilation).succeededWithoutWarnings();
    String runner = pkg.group(1) + "/" + cls.group(1) + "Runner.java";
    String generated = compilation.generatedSourceFiles().stream()
        .filter(f -> f.toUri().getPath().endsWith("/" + runner))
        .map(FingerprintTest::content)
        .findFirst()
        .orElseThrow(() -> new AssertionError("no " + runner + " in " + compilation.generatedSourceFiles()));
    Matcher fingerprint = FINGERPRINT.matcher(generated);
    assertTrue(fingerprint.find(), generated);
    return fingerprint.group(1);
  }

  private static String content(JavaFileObject file) {
    try {
      return file.getCharContent(false).toString();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
