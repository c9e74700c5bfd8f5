package io.stepwise.processor;

import static com.google.common.truth.Truth.assertThat;
import static com.google.common.truth.Truth.assertWithMessage;

import io.stepwise.processor.diag.Diag;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Arrays;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** Every {@link Diag} a user can trigger has a test in this suite that asserts its id. */
class DiagCoverageTest {

  /** The ids the diagnostics suite asserts, and the test class that covers each. */
  private static final Map<String, String> COVERED = new TreeMap<>(Map.ofEntries(
      // the workflow class
      Map.entry("WorkflowNotAClass", "WorkflowClassDiagnosticsTest"),
      Map.entry("WorkflowAbstract", "WorkflowClassDiagnosticsTest"),
      Map.entry("WorkflowGeneric", "WorkflowClassDiagnosticsTest"),
      Map.entry("WorkflowInnerClass", "WorkflowClassDiagnosticsTest"),
      Map.entry("WorkflowPrivate", "WorkflowClassDiagnosticsTest"),
      Map.entry("WorkflowNameEmpty", "WorkflowClassDiagnosticsTest"),
      Map.entry("DuplicateWorkflowName", "WorkflowClassDiagnosticsTest"),
      Map.entry("NoSteps", "WorkflowClassDiagnosticsTest"),
      Map.entry("NoUsableConstructor", "WorkflowClassDiagnosticsTest"),
      Map.entry("AmbiguousConstructor", "WorkflowClassDiagnosticsTest"),
      Map.entry("MultipleInjectConstructors", "WorkflowClassDiagnosticsTest"),
      Map.entry("InjectConstructorPrivate", "WorkflowClassDiagnosticsTest"),
      Map.entry("UnknownResultStep", "WorkflowClassDiagnosticsTest"),
      // steps
      Map.entry("StepOutsideWorkflow", "StepDiagnosticsTest"),
      Map.entry("StepNameEmpty", "StepDiagnosticsTest"),
      Map.entry("DuplicateStep", "StepDiagnosticsTest"),
      Map.entry("StepPrivate", "StepDiagnosticsTest"),
      Map.entry("StepGeneric", "StepDiagnosticsTest"),
      Map.entry("StepAndCompensate", "StepDiagnosticsTest"),
      Map.entry("NegativeRetries", "StepDiagnosticsTest"),
      Map.entry("RawStepResponse", "StepDiagnosticsTest"),
      Map.entry("WildcardStepResponse", "StepDiagnosticsTest"),
      // asynchronous steps
      Map.entry("RawCompletionStage", "AsyncStepDiagnosticsTest"),
      Map.entry("WildcardCompletionStage", "AsyncStepDiagnosticsTest"),
      Map.entry("NestedCompletionStage", "AsyncStepDiagnosticsTest"),
      Map.entry("CompletionStageNotAllowed", "AsyncStepDiagnosticsTest"),
      // parameters and the flow between steps
      Map.entry("UnwiredParameter", "WiringDiagnosticsTest"),
      Map.entry("InputAndFrom", "WiringDiagnosticsTest"),
      Map.entry("MisplacedWiring", "WiringDiagnosticsTest"),
      Map.entry("InputTypeMismatch", "WiringDiagnosticsTest"),
      Map.entry("UnknownStep", "WiringDiagnosticsTest"),
      Map.entry("StepOrder", "WiringDiagnosticsTest"),
      Map.entry("FromItself", "WiringDiagnosticsTest"),
      Map.entry("FromVoidStep", "WiringDiagnosticsTest"),
      Map.entry("TypeMismatch", "WiringDiagnosticsTest"),
      // steps that take a java.sql.Connection
      Map.entry("TwoConnections", "ConnectionDiagnosticsTest"),
      Map.entry("AsyncTransactionalStep", "ConnectionDiagnosticsTest"),
      Map.entry("ConnectionNotAllowed", "ConnectionDiagnosticsTest"),
      // retries, timeouts, failure options
      Map.entry("BadDuration", "StepOptionsDiagnosticsTest"),
      Map.entry("ZeroTimeout", "StepOptionsDiagnosticsTest"),
      Map.entry("BadBackoff", "StepOptionsDiagnosticsTest"),
      Map.entry("RetryOptionWithoutRetries", "StepOptionsDiagnosticsTest"),
      Map.entry("RetryOptionWithoutInterval", "StepOptionsDiagnosticsTest"),
      Map.entry("MaxRetryIntervalTooShort", "StepOptionsDiagnosticsTest"),
      Map.entry("RetryOnTimeoutWithoutTimeout", "StepOptionsDiagnosticsTest"),
      Map.entry("ManualRetryWithPause", "StepOptionsDiagnosticsTest"),
      Map.entry("ManualRetryNameClash", "StepOptionsDiagnosticsTest"),
      Map.entry("ConflictingFailureOptions", "StepOptionsDiagnosticsTest"),
      // skipped steps
      Map.entry("SkipUntilWithoutSkip", "SkipDiagnosticsTest"),
      Map.entry("UnknownSkipUntilStep", "SkipDiagnosticsTest"),
      Map.entry("SkipUntilNotLater", "SkipDiagnosticsTest"),
      Map.entry("SkipUntilSameGroup", "SkipDiagnosticsTest"),
      Map.entry("SkippableNeedsStepResponse", "SkipDiagnosticsTest"),
      Map.entry("FromNoWaitStep", "NoWaitDiagnosticsTest"),
      Map.entry("NoWaitResultStep", "NoWaitDiagnosticsTest"),
      Map.entry("NoWaitLastStep", "NoWaitDiagnosticsTest"),
      Map.entry("NoWaitInParallel", "NoWaitDiagnosticsTest"),
      Map.entry("NoWaitSkipOnPermanentFailure", "NoWaitDiagnosticsTest"),
      // @Parallel
      Map.entry("ParallelNameEmpty", "ParallelDiagnosticsTest"),
      Map.entry("ParallelOutsideStep", "ParallelDiagnosticsTest"),
      Map.entry("ParallelNotConsecutive", "ParallelDiagnosticsTest"),
      Map.entry("ParallelSingleStep", "ParallelDiagnosticsTest"),
      Map.entry("ParallelDependency", "ParallelDiagnosticsTest"),
      // @ChildWorkflow
      Map.entry("ChildNotAWorkflow", "ChildWorkflowDiagnosticsTest"),
      Map.entry("ChildWorkflowCycle", "ChildWorkflowDiagnosticsTest"),
      Map.entry("ChildWorkflowInvalid", "ChildWorkflowDiagnosticsTest"),
      Map.entry("ChildWorkflowNotVisible", "ChildWorkflowDiagnosticsTest"),
      Map.entry("ChildInputMismatch", "ChildWorkflowDiagnosticsTest"),
      Map.entry("ChildCompensation", "ChildWorkflowDiagnosticsTest"),
      Map.entry("ChildWorkflowOutsideStep", "ChildWorkflowDiagnosticsTest"),
      // @Hook
      Map.entry("HookReturnsVoid", "HookDiagnosticsTest"),
      Map.entry("HookAndStep", "HookDiagnosticsTest"),
      Map.entry("FromHook", "HookDiagnosticsTest"),
      Map.entry("HookCompensation", "HookDiagnosticsTest"),
      Map.entry("HookNameClash", "HookDiagnosticsTest"),
      // @When
      Map.entry("ConditionalNeedsOptional", "ConditionDiagnosticsTest"),
      Map.entry("WhenEmpty", "ConditionDiagnosticsTest"),
      Map.entry("UnknownCondition", "ConditionDiagnosticsTest"),
      Map.entry("AmbiguousCondition", "ConditionDiagnosticsTest"),
      Map.entry("ConditionNotBoolean", "ConditionDiagnosticsTest"),
      Map.entry("ConditionIsStep", "ConditionDiagnosticsTest"),
      Map.entry("ConditionPrivate", "ConditionDiagnosticsTest"),
      Map.entry("ConditionGeneric", "ConditionDiagnosticsTest"),
      Map.entry("WhenOutsideStep", "ConditionDiagnosticsTest"),
      // @Compensate
      Map.entry("UnknownCompensatedStep", "CompensationDiagnosticsTest"),
      Map.entry("DuplicateCompensation", "CompensationDiagnosticsTest"),
      Map.entry("CompensationNotVoid", "CompensationDiagnosticsTest"),
      Map.entry("CompensationParameters", "CompensationDiagnosticsTest"),
      Map.entry("CompensationOfVoidStep", "CompensationDiagnosticsTest"),
      Map.entry("CompensationTypeMismatch", "CompensationDiagnosticsTest"),
      Map.entry("CompensationWiredParameter", "CompensationDiagnosticsTest"),
      // the processor itself: a NOTE when a type never resolves
      Map.entry("UnresolvedType", "ProcessorRobustnessTest")));

  /**
   * Diagnostics no test source can trigger: a failing Filer, a processor bug, and a local class,
   * which javac never shows to processors (see WorkflowClassDiagnosticsTest#localWorkflowClass_isNeverShownToProcessors).
   */
  private static final Set<Diag> NOT_TRIGGERABLE = Set.of(Diag.COULD_NOT_WRITE, Diag.INTERNAL_ERROR, Diag.WORKFLOW_LOCAL_CLASS);

  private static final Pattern ASSERTED_ID =
      Pattern.compile("had(?:Error|Warning|Note)Containing\\(\\s*\"\\[stepwise:(\\w+)\\]");

  @Test
  void everyTriggerableDiagIsCovered() {
    Set<String> expected = Arrays.stream(Diag.values())
        .filter(d -> !NOT_TRIGGERABLE.contains(d))
        .map(Diag::id)
        .collect(Collectors.toCollection(TreeSet::new));
    assertThat(COVERED.keySet()).containsExactlyElementsIn(expected);
  }

  @Test
  void idsAreUnique() {
    Set<String> ids = Arrays.stream(Diag.values()).map(Diag::id).collect(Collectors.toSet());
    assertThat(ids).hasSize(Diag.values().length);
  }

  /** The list above is true: each id is asserted, with its prefix, in the test class it names. */
  @Test
  void everyCoveredIdIsAssertedInItsTestClass() throws IOException {
    Map<String, Set<String>> assertedByClass = new TreeMap<>();
    for (String testClass : new TreeSet<>(COVERED.values())) {
      Path file = testSources().resolve(testClass + ".java");
      assertWithMessage("test source %s", file).that(Files.exists(file)).isTrue();
      Matcher m = ASSERTED_ID.matcher(Files.readString(file));
      Set<String> ids = new TreeSet<>();
      while (m.find()) {
        ids.add(m.group(1));
      }
      assertedByClass.put(testClass, ids);
    }
    COVERED.forEach((id, testClass) -> assertWithMessage("[stepwise:%s] asserted in %s", id, testClass)
        .that(assertedByClass.get(testClass)).contains(id));
    Set<String> known = Arrays.stream(Diag.values()).map(Diag::id).collect(Collectors.toSet());
    assertedByClass.values().stream().flatMap(Set::stream)
        .forEach(id -> assertWithMessage("asserted id %s exists in Diag", id).that(known).contains(id));
  }

  private static Path testSources() {
    Path base = Paths.get(System.getProperty("basedir", "."));
    Path dir = base.resolve("src/test/java/io/stepwise/processor");
    if (!Files.isDirectory(dir)) {
      dir = base.resolve("processor/src/test/java/io/stepwise/processor");
    }
    return dir;
  }
}
