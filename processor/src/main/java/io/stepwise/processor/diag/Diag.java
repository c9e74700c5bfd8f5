package io.stepwise.processor.diag;

import javax.tools.Diagnostic.Kind;

/**
 * Every message the processor can print. Each has a stable id, shown as {@code [stepwise:Id]}, and
 * documented in {@code docs/diagnostics.md}. A message states the rule, then the facts, then, where
 * one exists, a fix.
 */
public enum Diag {
  // ---- the workflow class
  WORKFLOW_NOT_A_CLASS("WorkflowNotAClass",
      "@Workflow types must be classes; %s is %s. Declare it as a class"),
  WORKFLOW_ABSTRACT("WorkflowAbstract",
      "@Workflow classes must not be abstract, because the runner creates an instance; remove 'abstract' from %s"),
  WORKFLOW_GENERIC("WorkflowGeneric",
      "@Workflow classes must not be generic; %s declares type parameters %s. Remove them, or move the generic code into a service the workflow uses"),
  WORKFLOW_INNER_CLASS("WorkflowInnerClass",
      "@Workflow classes must be top-level or static nested classes; %s is an inner class. Declare it 'static'"),
  WORKFLOW_LOCAL_CLASS("WorkflowLocalClass",
      "@Workflow classes must be top-level or static nested classes; %s is a local or anonymous class. Move it out of the method"),
  WORKFLOW_PRIVATE("WorkflowPrivate",
      "@Workflow classes must be visible to their runner in the same package; %s is private. Make it package-private or public"),
  WORKFLOW_NAME_EMPTY("WorkflowNameEmpty",
      "@Workflow names must not be empty; name the workflow, for example @Workflow(\"%s\")"),
  DUPLICATE_WORKFLOW_NAME("DuplicateWorkflowName",
      "@Workflow names must be unique, because runs and the diagram %s are named after them; %s is named '%s', as %s is%s. Rename one of them"),
  NO_STEPS("NoSteps",
      "@Workflow classes must declare at least one @Step method; %s has none"),
  NO_USABLE_CONSTRUCTOR("NoUsableConstructor",
      "@Workflow classes must have a non-private constructor the runner can call; %s has only private constructors"),
  AMBIGUOUS_CONSTRUCTOR("AmbiguousConstructor",
      "@Workflow classes must have one constructor for the runner to call; %s has %d candidates: %s. Annotate one with @Inject, or keep one public constructor"),
  MULTIPLE_INJECT_CONSTRUCTORS("MultipleInjectConstructors",
      "@Workflow classes may annotate only one constructor with @Inject; %s has %d"),
  INJECT_CONSTRUCTOR_PRIVATE("InjectConstructorPrivate",
      "@Inject constructors of @Workflow classes must not be private, because the runner calls them"),
  RESULT_UNKNOWN_STEP("UnknownResultStep",
      "@Workflow(result = \"%s\") must name a step of the workflow, but '%s' has no step '%s'%s"),

  // ---- steps
  STEP_OUTSIDE_WORKFLOW("StepOutsideWorkflow",
      "@%s methods must be declared in a @Workflow class; %s is not one. Annotate it with @Workflow(\"...\")"),
  STEP_NAME_EMPTY("StepNameEmpty",
      "@%s names must not be empty; name it, for example @%s(\"%s\")"),
  DUPLICATE_STEP("DuplicateStep",
      "@Step names must be unique in a workflow; '%s' is also the name of %s. Rename one of them"),
  STEP_PRIVATE("StepPrivate",
      "@%s methods must not be private, because the generated runner calls them; make %s package-private or public"),
  STEP_GENERIC("StepGeneric",
      "@%s methods must not declare type parameters; %s declares %s"),
  STEP_AND_COMPENSATE("StepAndCompensate",
      "Methods must not be both @Step and @Compensate; %s is both. Split it into two methods"),
  NEGATIVE_RETRIES("NegativeRetries",
      "@Step(maxRetries) must be 0 or more; found %d"),
  RAW_STEP_RESPONSE("RawStepResponse",
      "@Step methods returning StepResponse must give both type arguments, StepResponse<Output, CompensationInput>; %s returns %s"),
  WILDCARD_STEP_RESPONSE("WildcardStepResponse",
      "@Step methods returning StepResponse must give exact type arguments, not wildcards; %s returns %s"),
  RAW_COMPLETION_STAGE("RawCompletionStage",
      "@Step methods returning a CompletionStage must give the type it completes with, which is the step's output (CompletionStage<Void> for none); %s returns %s"),
  WILDCARD_COMPLETION_STAGE("WildcardCompletionStage",
      "@Step methods returning a CompletionStage must give the type it completes with as T or '? extends T', because T is the step's output; %s returns %s"),
  NESTED_COMPLETION_STAGE("NestedCompletionStage",
      "@Step methods returning a CompletionStage must complete it with the step's output, not with another CompletionStage; %s returns %s. Flatten it, for example with thenCompose"),
  COMPLETION_STAGE_NOT_ALLOWED("CompletionStageNotAllowed",
      "%s must return %s synchronously, not a CompletionStage; %s returns %s. %s"),

  // ---- parameters
  UNWIRED_PARAMETER("UnwiredParameter",
      "Parameters of @%s methods must be annotated @Input or @From(\"step\") (or be a StepContext); parameter '%s' of type %s is not.%s"),
  INPUT_AND_FROM("InputAndFrom",
      "Parameters must not be both @Input and @From; parameter '%s' is both. Keep one"),
  MISPLACED_WIRING("MisplacedWiring",
      "@%s is only allowed on parameters of @Step methods and of @When conditions; parameter '%s' of %s is neither"),
  INPUT_TYPE_MISMATCH("InputTypeMismatch",
      "@Input parameters of a workflow must all have the same type, which is the workflow's input type; parameter '%s' is %s, but %s is %s. Give them the same type"),
  UNKNOWN_STEP("UnknownStep",
      "@From must name a step of the workflow, but '%s' has no step '%s'%s"),
  FROM_LATER_STEP("StepOrder",
      "@From may only name steps declared before the step that uses it; '%s' is declared after '%s'.%s"),
  FROM_ITSELF("FromItself",
      "@From must name an earlier step; step '%s' cannot use its own output"),
  FROM_VOID_STEP("FromVoidStep",
      "@From must name a step with an output; step '%s' returns %s. Return the value from '%s', or remove @From"),
  TYPE_MISMATCH("TypeMismatch",
      "@From parameters must accept the output of their step; step '%s' produces %s, which parameter '%s' of type %s cannot accept.%s"),
  CONDITIONAL_NEEDS_OPTIONAL("ConditionalNeedsOptional",
      "@From parameters of a step that may end without an output must be Optional<T>, empty when it did; step '%s' %s, so parameter '%s' must be %s, not %s"),

  // ---- steps that take a java.sql.Connection
  TWO_CONNECTIONS("TwoConnections",
      "@Step methods take at most one java.sql.Connection, the connection of the transaction their work commits in; %s takes '%s' and '%s'. Remove '%s', and use '%s' for all the step's statements"),
  ASYNC_TRANSACTIONAL_STEP("AsyncTransactionalStep",
      "@Step methods that take a java.sql.Connection must return synchronously, because their work commits in the transaction that records the step's checkpoint, which a CompletionStage cannot join; %s returns %s. Do the database work in the method and return %s, or remove parameter '%s' and open a connection of your own from a javax.sql.DataSource"),
  CONNECTION_NOT_ALLOWED("ConnectionNotAllowed",
      "%s cannot take a java.sql.Connection, because %s; parameter '%s' of %s is one. %s"),

  // ---- retries, timeouts, failure options
  BAD_DURATION("BadDuration",
      "@%s(%s) must be a duration such as \"500ms\", \"2s\", \"1m\" or \"PT1.5S\"; \"%s\" is not, because %s"),
  ZERO_TIMEOUT("ZeroTimeout",
      "@%s(timeout) must be longer than zero; leave it out for no timeout"),
  BAD_BACKOFF("BadBackoff",
      "@Step(backoff) must be a finite number of at least 1.0 (1.0 keeps the pause constant); found %s"),
  RETRY_OPTION_WITHOUT_RETRIES("RetryOptionWithoutRetries",
      "@Step(%s) applies between retries, but step '%s' has maxRetries = 0; set maxRetries, or remove %s"),
  RETRY_OPTION_WITHOUT_INTERVAL("RetryOptionWithoutInterval",
      "@Step(%s) changes the retryInterval, but step '%s' has none; set retryInterval, or remove %s"),
  MAX_RETRY_INTERVAL_TOO_SHORT("MaxRetryIntervalTooShort",
      "@Step(maxRetryInterval) must be at least the retryInterval; step '%s' has maxRetryInterval %s ms, below its retryInterval %s ms"),
  RETRY_ON_TIMEOUT_WITHOUT_TIMEOUT("RetryOnTimeoutWithoutTimeout",
      "@Step(retryOnTimeout = false) fails the step when an attempt times out, but step '%s' has no timeout; set timeout, or remove retryOnTimeout"),
  MANUAL_RETRY_WITH_PAUSE("ManualRetryWithPause",
      "@Step(%s) shapes the pause before an automatic retry, but step '%s' has autoRetry = false: it is retried when the"
          + " application calls %s(transactionId), after no pause; remove %s"),
  MANUAL_RETRY_NAME_CLASH("ManualRetryNameClash",
      "Steps with autoRetry = false must give distinct retry methods on the runner; steps '%s' and '%s' both give"
          + " %s(...). Rename one"),
  CONFLICTING_FAILURE_OPTIONS("ConflictingFailureOptions",
      "@Step may set continueOnPermanentFailure or skipOnPermanentFailure, not both; step '%s' sets both. Keep one"),
  SKIP_UNTIL_WITHOUT_SKIP("SkipUntilWithoutSkip",
      "@Step(skipUntil) names the step at which a run goes on after the step fails with skipOnPermanentFailure; step '%s' does not set skipOnPermanentFailure. Add skipOnPermanentFailure = true, or remove skipUntil"),
  SKIP_UNTIL_UNKNOWN_STEP("UnknownSkipUntilStep",
      "@Step(skipUntil = \"%s\") must name a step of the workflow, but '%s' has no step '%s'%s"),
  SKIP_UNTIL_NOT_LATER("SkipUntilNotLater",
      "@Step(skipUntil) must name a step declared after step '%s', because a run skips forward to it; '%s' is %s. Name a later step, or remove skipUntil to skip every step after '%s'"),
  SKIP_UNTIL_SAME_GROUP("SkipUntilSameGroup",
      "@Step(skipUntil) must name a step after the @Parallel group of step '%s', because the steps of a group run together and a failure skips only the steps after the group; '%s' is in the same group '%s'. Name a step after the group, or remove skipUntil"),
  SKIPPABLE_NEEDS_RESPONSE("SkippableNeedsStepResponse",
      "@Step(skippable = true) steps skip themselves by returning StepResponse.skip(), so they must return StepResponse<O, C> (or a CompletionStage of one); %s returns %s. Return a StepResponse, or remove skippable"),
  NO_WAIT_FROM("FromNoWaitStep",
      "@From cannot take the output of a noWait step, because the steps after it start while it still runs; step '%s' has noWait = true, and parameter '%s' of %s takes @From(\"%s\"). Remove noWait from step '%s', or take the value from a step that is waited for"),
  NO_WAIT_RESULT("NoWaitResultStep",
      "@Step(noWait = true) cannot be on the workflow's result step, because the result is its output, which the run cannot wait for; step '%s' is the result step of '%s' (%s). Remove noWait, or make another step the result with @Workflow(result = \"...\")"),
  NO_WAIT_LAST("NoWaitLastStep",
      "@Step(noWait = true) lets the steps after a step start without waiting for it, but step '%s' is the last step of '%s' and has none after it; the run waits for it anyway. Remove noWait"),
  NO_WAIT_IN_PARALLEL("NoWaitInParallel",
      "@Step(noWait = true) cannot be on a step of a @Parallel group, because the steps after a group start only when each of its steps ended; step '%s' is in group '%s'. Remove noWait, or move the step out of the group"),
  NO_WAIT_SKIP_ON_FAILURE("NoWaitSkipOnPermanentFailure",
      "@Step(noWait = true) cannot go with skipOnPermanentFailure, because the steps after a noWait step start while it runs and may have ended when it fails, too late to be skipped; step '%s' sets both. Use continueOnPermanentFailure, or remove noWait"),

  // ---- @Parallel
  PARALLEL_NAME_EMPTY("ParallelNameEmpty",
      "@Parallel names must not be empty; name the group, for example @Parallel(\"%s\")"),
  PARALLEL_OUTSIDE_STEP("ParallelOutsideStep",
      "@Parallel is only allowed on @Step methods; %s is not a step"),
  PARALLEL_NOT_CONSECUTIVE("ParallelNotConsecutive",
      "@Parallel groups must be declared as consecutive steps; step '%s' of group '%s' is separated from the group's earlier steps by step '%s'. Declare the group's steps one after another"),
  PARALLEL_SINGLE_STEP("ParallelSingleStep",
      "@Parallel groups need at least two steps to run at the same time; group '%s' has only step '%s'. Add a step to it, or remove @Parallel"),
  PARALLEL_DEPENDENCY("ParallelDependency",
      "Steps of a @Parallel group run at the same time and cannot use each other's output; step '%s' takes @From(\"%s\") of its own group '%s'. Move one of them out of the group"),

  // ---- @ChildWorkflow
  CHILD_NOT_A_WORKFLOW("ChildNotAWorkflow",
      "@ChildWorkflow must name a @Workflow class; %s is not one"),
  CHILD_WORKFLOW_CYCLE("ChildWorkflowCycle",
      "Workflows must not run themselves as a child, directly or through others; step '%s' starts the cycle %s"),
  CHILD_WORKFLOW_INVALID("ChildWorkflowInvalid",
      "@ChildWorkflow must name a valid workflow; workflow '%s' (%s) has errors, reported where it is declared. Fix them first"),
  CHILD_NOT_VISIBLE("ChildWorkflowNotVisible",
      "@ChildWorkflow must name a workflow whose runner this workflow's runner can call; %s is not public and lies in another package. Make it public"),
  CHILD_INPUT_MISMATCH("ChildInputMismatch",
      "@ChildWorkflow steps return the child workflow's input; workflow '%s' takes %s, but %s returns %s"),
  CHILD_OUTSIDE_STEP("ChildWorkflowOutsideStep",
      "@ChildWorkflow is only allowed on @Step methods; %s is not a step. Add @Step(\"...\")"),
  CHILD_COMPENSATION("ChildCompensation",
      "Steps that run a child workflow are compensated by the child's own compensations, as a unit; remove @Compensate from %s, or put it in %s"),

  // ---- @Hook
  HOOK_RETURNS_VOID("HookReturnsVoid",
      "@Hook methods return the hook's input, which the registered handler receives; %s returns void. Return the value the handler needs"),
  HOOK_AND_STEP("HookAndStep",
      "Methods must not be both @Step and @Hook; %s is both. Split it into two methods"),
  FROM_HOOK("FromHook",
      "@From must name a step with an output; '%s' is a @Hook, which has none. Take the value from the step the hook's input comes from"),
  HOOK_COMPENSATION("HookCompensation",
      "Hooks are compensated by the compensation registered with their handler, not by @Compensate; remove @Compensate(\"%s\") from %s"),
  HOOK_NAME_CLASH("HookNameClash",
      "@Hook names must give distinct registration methods on the runner; hooks '%s' and '%s' both give %s(...). Rename one"),

  // ---- @When
  WHEN_EMPTY("WhenEmpty",
      "@When must name a boolean method of the workflow class; the name is empty"),
  UNKNOWN_CONDITION("UnknownCondition",
      "@When must name a boolean method of the workflow class, but %s has no method '%s'%s"),
  AMBIGUOUS_CONDITION("AmbiguousCondition",
      "@When must name exactly one method; %s has %d methods named '%s'. Rename all but one"),
  CONDITION_NOT_BOOLEAN("ConditionNotBoolean",
      "@When conditions must return boolean; %s returns %s%s"),
  CONDITION_IS_STEP("ConditionIsStep",
      "@When conditions must be plain methods, not @Step or @Compensate methods; %s is %s"),
  CONDITION_PRIVATE("ConditionPrivate",
      "@When conditions must not be private, because the generated runner calls them; make %s package-private or public"),
  CONDITION_GENERIC("ConditionGeneric",
      "@When conditions must not declare type parameters; %s declares %s"),
  WHEN_OUTSIDE_STEP("WhenOutsideStep",
      "@When is only allowed on @Step methods; %s is not a step"),

  // ---- @Compensate
  COMPENSATE_UNKNOWN_STEP("UnknownCompensatedStep",
      "@Compensate must name a step of the workflow, but '%s' has no step '%s'%s"),
  DUPLICATE_COMPENSATION("DuplicateCompensation",
      "Steps may have at most one @Compensate method, because the runner calls one method to undo a step; step '%s' is already compensated by %s. Keep one @Compensate(\"%s\") method, and merge the work of both into it"),
  COMPENSATE_NOT_VOID("CompensationNotVoid",
      "@Compensate methods must return void; %s returns %s%s"),
  COMPENSATE_TOO_MANY_PARAMETERS("CompensationParameters",
      "@Compensate methods take at most one data parameter, the step's compensation input, plus an optional StepContext; parameter '%s' is one too many"),
  COMPENSATE_VOID_STEP_PARAMETER("CompensationOfVoidStep",
      "@Compensate methods of a void step take no data parameter, because the step has no compensation input; remove parameter '%s', or return a value from step '%s'"),
  COMPENSATE_TYPE_MISMATCH("CompensationTypeMismatch",
      "@Compensate methods must accept their step's compensation input; step '%s' hands over %s, which parameter '%s' of type %s cannot accept"),
  COMPENSATE_WIRED_PARAMETER("CompensationWiredParameter",
      "@Compensate parameters receive the step's compensation input and take no @%s; remove it from parameter '%s'"),

  // ---- the processor itself
  UNRESOLVED_TYPE("UnresolvedType",
      "Could not generate %s because %s could not be resolved. If it is generated by another processor, look for earlier errors"),
  COULD_NOT_WRITE("CouldNotWrite",
      "Could not write %s: %s"),
  INTERNAL_ERROR("InternalError",
      "Stepwise could not process %s because of an internal error; please report this, with the stack trace below:%n%s");

  private final String id;
  private final String template;

  Diag(String id, String template) {
    this.id = id;
    this.template = template;
  }

  /** The stable id, as shown in {@code [stepwise:Id]}. */
  public String id() {
    return id;
  }

  public Kind kind() {
    return Kind.ERROR;
  }

  public String render(Object... args) {
    return "[stepwise:" + id + "] " + String.format(template, args);
  }
}
