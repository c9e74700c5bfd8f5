package io.stepwise.processor.robustness;

import static com.google.testing.compile.Compiler.javac;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.testing.compile.Compilation;
import com.google.testing.compile.JavaFileObjects;
import io.stepwise.processor.WorkflowProcessor;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import javax.tools.Diagnostic;
import javax.tools.JavaFileObject;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Compiles thousands of mutants of a valid workflow and checks that the processor never crashes
 * and never makes javac report an error in generated code: an invalid workflow gets errors on its
 * own source and no runner.
 */
class MutationRobustnessTest {
  private static final int MUTANTS_PER_SEED = 300;
  private static final int MUTANTS_PER_COMPILE = 30;

  @ParameterizedTest(name = "seed {0}")
  @ValueSource(longs = {1L, 42L, 2026L, 777_777L})
  void mutantsNeverCrashTheProcessorNorBreakGeneratedCode(long seed) {
    Random random = new Random(seed);
    List<String> problems = new ArrayList<>();
    int withStepwiseErrors = 0;
    int runnersCompiled = 0;
    for (int batch = 0; batch < MUTANTS_PER_SEED / MUTANTS_PER_COMPILE; batch++) {
      List<JavaFileObject> sources = new ArrayList<>();
      List<String> descriptions = new ArrayList<>();
      for (int i = 0; i < MUTANTS_PER_COMPILE; i++) {
        MutantWorkflow mutant = new MutantWorkflow("m" + batch + "_" + i);
        StringBuilder applied = new StringBuilder();
        int mutations = 1 + random.nextInt(3);
        for (int m = 0; m < mutations; m++) {
          applied.append(mutant.mutate(random)).append("; ");
        }
        sources.add(JavaFileObjects.forSourceString(mutant.qualifiedName(), mutant.render()));
        descriptions.add(mutant.qualifiedName() + ": " + applied);
      }
      Compilation compilation;
      try {
        compilation = javac().withProcessors(new WorkflowProcessor()).compile(sources);
      } catch (RuntimeException e) {
        problems.add("the compile threw " + e + " for " + descriptions);
        continue;
      }
      Set<String> inputs = new HashSet<>();
      sources.forEach(s -> inputs.add(s.toUri().toString()));
      Set<String> filesWithStepwiseErrors = new HashSet<>();
      Set<String> filesWithErrors = new HashSet<>();
      for (Diagnostic<? extends JavaFileObject> d : compilation.diagnostics()) {
        if (d.getKind() == Diagnostic.Kind.ERROR && d.getSource() != null) {
          filesWithErrors.add(d.getSource().toUri().toString());
        }
        String message = d.getMessage(null);
        if (message.contains("[stepwise:InternalError]")) {
          problems.add("internal error: " + message);
        }
        if (d.getKind() != Diagnostic.Kind.ERROR) {
          continue;
        }
        if (d.getSource() == null || !inputs.contains(d.getSource().toUri().toString())) {
          problems.add("error outside the workflow sources (" + (d.getSource() == null ? "no source" : d.getSource().toUri())
              + "): " + message);
        } else if (!message.startsWith("[stepwise:") && Boolean.getBoolean("mutants.debug")) {
          System.out.println("JAVAC " + message.lines().findFirst().orElse(""));
        } else if (message.startsWith("[stepwise:")) {
          filesWithStepwiseErrors.add(d.getSource().toUri().toString());
        }
      }
      withStepwiseErrors += filesWithStepwiseErrors.size();
      runnersCompiled += compileValidMutantsAlone(sources, filesWithErrors, problems);
    }
    assertEquals(List.of(), problems);
    // javac skips generated code while any source of a batch has an error: the valid mutants were
    // compiled again on their own, and their runners must have compiled too.
    assertTrue(runnersCompiled >= 10, "only " + runnersCompiled + " valid mutants had their runner compiled");
    // The mutants must really exercise the checks, not only javac's own errors.
    assertTrue(withStepwiseErrors > MUTANTS_PER_SEED / 3,
        "only " + withStepwiseErrors + " of " + MUTANTS_PER_SEED + " mutants had a stepwise error");
  }

  /**
   * Compiles the mutants of a batch that had no error, together, and reports every error in code
   * the processor generated for them, and every one of them left without a runner. Returns how many
   * runners compiled.
   */
  private static int compileValidMutantsAlone(List<JavaFileObject> sources, Set<String> filesWithErrors,
      List<String> problems) {
    List<JavaFileObject> valid = new ArrayList<>();
    for (JavaFileObject source : sources) {
      if (!filesWithErrors.contains(source.toUri().toString())) {
        valid.add(source);
      }
    }
    if (valid.isEmpty()) {
      return 0;
    }
    Compilation compilation = javac().withProcessors(new WorkflowProcessor()).compile(valid);
    Set<String> inputs = new HashSet<>();
    valid.forEach(s -> inputs.add(s.toUri().toString()));
    boolean inputErrors = false;
    for (Diagnostic<? extends JavaFileObject> d : compilation.diagnostics()) {
      if (d.getKind() != Diagnostic.Kind.ERROR) {
        continue;
      }
      if (d.getSource() != null && inputs.contains(d.getSource().toUri().toString())) {
        inputErrors = true; // a javac error of the mutant's own that the first compile did not get to
      } else {
        problems.add("generated code does not compile (" + (d.getSource() == null ? "no source" : d.getSource().getName())
            + "): " + d.getMessage(null));
      }
    }
    if (inputErrors) {
      return 0;
    }
    int compiled = 0;
    for (JavaFileObject source : valid) {
      String name = source.getName().replace(".java", "Runner.java");
      boolean generated = compilation.generatedSourceFiles().stream().anyMatch(f -> f.getName().endsWith(name));
      if (generated) {
        compiled++;
      } else {
        problems.add("no runner for the valid mutant " + source.getName());
      }
    }
    return compiled;
  }
}
