package io.stepwise.processor.write;

import com.palantir.javapoet.ClassName;
import io.stepwise.processor.Names;

/** The types generated runners use, by name: the processor never has the runtime on its class path. */
final class RuntimeTypes {
  static final ClassName CONTAINER = ClassName.get(Names.RUNTIME_PACKAGE, "Container");
  static final ClassName RUN_OPTIONS = ClassName.get(Names.RUNTIME_PACKAGE, "RunOptions");
  static final ClassName WORKFLOW_RESULT = ClassName.get(Names.RUNTIME_PACKAGE, "WorkflowResult");
  static final ClassName WORKFLOW_FAILED = ClassName.get(Names.RUNTIME_PACKAGE, "WorkflowFailedException");
  static final ClassName STEP_RESPONSE = ClassName.get(Names.RUNTIME_PACKAGE, "StepResponse");
  static final ClassName STEP_CONTEXT = ClassName.get(Names.RUNTIME_PACKAGE, "StepContext");
  static final ClassName HOOK_HANDLER = ClassName.get(Names.RUNTIME_PACKAGE, "HookHandler");
  static final ClassName HOOK_COMPENSATION = ClassName.get(Names.RUNTIME_PACKAGE, "HookCompensation");
  static final ClassName WORKFLOW_ENGINE = ClassName.get(Names.RUNTIME_PACKAGE, "WorkflowEngine");

  static final ClassName STEP_SPEC = ClassName.get(Names.INTERNAL_PACKAGE, "StepSpec");
  static final ClassName ON_FAILURE = STEP_SPEC.nestedClass("OnFailure");
  static final ClassName WORKFLOW_SPEC = ClassName.get(Names.INTERNAL_PACKAGE, "WorkflowSpec");
  static final ClassName WORKFLOW_RUN = ClassName.get(Names.INTERNAL_PACKAGE, "WorkflowRun");
  static final ClassName HALT = WORKFLOW_RUN.nestedClass("Halt");
  static final ClassName GROUP = WORKFLOW_RUN.nestedClass("Group");
  static final ClassName BRANCH = WORKFLOW_RUN.nestedClass("Branch");
  static final ClassName ASYNC_RUN = ClassName.get(Names.INTERNAL_PACKAGE, "AsyncRun");
  static final ClassName ASYNC_GROUP = ASYNC_RUN.nestedClass("Group");
  static final ClassName ASYNC_RUNS = ClassName.get(Names.INTERNAL_PACKAGE, "AsyncRuns");
  static final ClassName CONDITION = ClassName.get(Names.INTERNAL_PACKAGE, "Condition");
  static final ClassName RUN_REGISTRY = ClassName.get(Names.INTERNAL_PACKAGE, "RunRegistry");
  static final ClassName HOOK_SLOT = ClassName.get(Names.INTERNAL_PACKAGE, "HookSlot");
  static final ClassName CHILD_RUN = ClassName.get(Names.INTERNAL_PACKAGE, "ChildRun");
  static final ClassName CHILD_RUNNERS = ClassName.get(Names.INTERNAL_PACKAGE, "ChildRunners");

  static final ClassName RUN_TYPES = ClassName.get(Names.STORE_PACKAGE, "RunTypes");
  static final ClassName TYPES = ClassName.get(Names.STORE_PACKAGE, "Types");

  static final ClassName COMPLETABLE_FUTURE = ClassName.get("java.util.concurrent", "CompletableFuture");
  static final ClassName COMPLETION_STAGE = ClassName.get("java.util.concurrent", "CompletionStage");

  private RuntimeTypes() {}
}
