package io.stepwise.processor.write;

import static com.google.testing.compile.CompilationSubject.assertThat;
import static com.google.testing.compile.Compiler.javac;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.google.testing.compile.Compilation;
import io.stepwise.processor.Fixtures;
import io.stepwise.processor.Goldens;
import io.stepwise.processor.WorkflowProcessor;
import io.stepwise.runtime.internal.WorkflowSpec;
import io.stepwise.runtime.store.RunStoreException;
import io.stepwise.runtime.store.RunTypes;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.reflect.Field;
import java.lang.reflect.Type;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javax.tools.JavaFileObject;
import org.junit.jupiter.api.Test;

/**
 * The {@code TYPES} a runner declares: compiles workflows with a step of every kind and outputs of
 * every form of type, loads the runners, and compares each {@code java.lang.reflect.Type} of their
 * {@code RunTypes} with the generic type of a field that declares it in the fixture ({@code
 * TypesWorkflowExpected}): both ways of {@code equals}, as a store that decodes with the type sees it.
 */
class RunTypesTest {
  private static final List<JavaFileObject> SOURCES = Fixtures.sources("durable", "TypesWorkflow",
      "TypesWorkflowExpected", "LookupWorkflow", "Shapes", "AsyncTypesWorkflow", "AsyncTypesWorkflowExpected");

  private static Compilation compile() {
    Compilation compilation = javac()
        .withProcessors(new WorkflowProcessor())
        .withOptions("-Xlint:all", "-Werror")
        .compile(SOURCES);
    assertThat(compilation).succeededWithoutWarnings();
    return compilation;
  }

  /** Every kind of step and every form of type, in a synchronous runner: the golden shows each token as written. */
  @Test
  void everyKindOfStep() throws Exception {
    Compilation compilation = compile();
    Goldens.assertGenerated(compilation, RunTypesTest.class, "everyKindOfStep", "com.acme.durable.TypesWorkflowRunner");
    assertTypes(new CompiledClasses(compilation), "com.acme.durable.TypesWorkflow", 18);
  }

  /** Asynchronous steps record what their CompletionStage completes with; no input is Void. */
  @Test
  void asynchronousStepsWithoutInput() throws Exception {
    assertTypes(new CompiledClasses(compile()), "com.acme.durable.AsyncTypesWorkflow", 3);
  }

  /** A child workflow's own runner declares its Optional result. */
  @Test
  void childWorkflowWithOptionalResult() throws Exception {
    CompiledClasses classes = new CompiledClasses(compile());
    RunTypes types = constant(classes.load("com.acme.durable.LookupWorkflowRunner"), "TYPES");
    Type expected = classes.load("com.acme.durable.TypesWorkflowExpected").getDeclaredField("output13").getGenericType();
    assertEquals(expected, types.result());
    assertEquals(String.class, types.input());
  }

  private static void assertTypes(CompiledClasses classes, String workflow, int steps) throws Exception {
    Class<?> runner = classes.load(workflow + "Runner");
    Class<?> expected = classes.load(workflow + "Expected");
    RunTypes types = constant(runner, "TYPES");
    WorkflowSpec spec = constant(runner, "SPEC");
    assertSame(types, spec.types());
    assertEquals(constant(runner, "FINGERPRINT"), spec.fingerprint());
    assertEquals(spec.name(), types.workflowName());
    assertEquals(steps, spec.steps().size());

    assertType(expected, "input", types.input());
    assertType(expected, "result", types.result());
    for (int position = 0; position < steps; position++) {
      String name = spec.steps().get(position).name();
      assertType(expected, "output" + position, types.output(position, name));
      assertType(expected, "compensation" + position, types.compensationInput(position, name));
    }
    assertThrows(RunStoreException.class, () -> types.output(steps, "none"));
  }

  private static void assertType(Class<?> expected, String field, Type actual) throws NoSuchFieldException {
    Type declared = expected.getDeclaredField(field).getGenericType();
    assertEquals(declared, actual, field);
    assertEquals(actual, declared, field);
    assertEquals(declared.hashCode(), actual.hashCode(), field);
    assertEquals(declared.getTypeName(), actual.getTypeName(), field);
  }

  @SuppressWarnings("unchecked")
  private static <T> T constant(Class<?> type, String name) throws ReflectiveOperationException {
    Field field = type.getDeclaredField(name);
    field.setAccessible(true);
    return (T) field.get(null);
  }

  /** Loads the classes of a compilation in memory, the runtime's and the JDK's from the test's class path. */
  private static final class CompiledClasses extends ClassLoader {
    private static final String OUTPUT = "/CLASS_OUTPUT/";
    private final Map<String, byte[]> classes = new HashMap<>();

    CompiledClasses(Compilation compilation) {
      super(RunTypesTest.class.getClassLoader());
      for (JavaFileObject file : compilation.generatedFiles()) {
        String path = file.toUri().getPath();
        if (file.getKind() == JavaFileObject.Kind.CLASS && path.contains(OUTPUT)) {
          String name = path.substring(path.indexOf(OUTPUT) + OUTPUT.length(), path.length() - ".class".length())
              .replace('/', '.');
          try (InputStream in = file.openInputStream()) {
            classes.put(name, in.readAllBytes());
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
        }
      }
    }

    Class<?> load(String name) throws ClassNotFoundException {
      return loadClass(name);
    }

    @Override
    protected Class<?> findClass(String name) throws ClassNotFoundException {
      byte[] bytes = classes.get(name);
      if (bytes == null) {
        throw new ClassNotFoundException(name + " is not among the compiled classes " + classes.keySet());
      }
      return defineClass(name, bytes, 0, bytes.length);
    }
  }
}
