package io.stepwise.processor;

/**
 * Qualified names of the types the processor knows. The processor reads the annotations through
 * mirrors and never needs the annotations or the runtime on its own class path.
 */
public final class Names {
  public static final String WORKFLOW = "io.stepwise.annotations.Workflow";
  public static final String STEP = "io.stepwise.annotations.Step";
  public static final String COMPENSATE = "io.stepwise.annotations.Compensate";
  public static final String INPUT = "io.stepwise.annotations.Input";
  public static final String FROM = "io.stepwise.annotations.From";
  public static final String WHEN = "io.stepwise.annotations.When";
  public static final String PARALLEL = "io.stepwise.annotations.Parallel";
  public static final String CHILD_WORKFLOW = "io.stepwise.annotations.ChildWorkflow";
  public static final String HOOK = "io.stepwise.annotations.Hook";
  /** The {@code @Generated} on every generated runner, with {@link #PROCESSOR} as its value. */
  public static final String GENERATED = "javax.annotation.processing.Generated";
  public static final String PROCESSOR = "io.stepwise.processor.WorkflowProcessor";

  public static final String RUNTIME_PACKAGE = "io.stepwise.runtime";
  public static final String INTERNAL_PACKAGE = "io.stepwise.runtime.internal";
  public static final String STORE_PACKAGE = "io.stepwise.runtime.store";
  public static final String STEP_RESPONSE = RUNTIME_PACKAGE + ".StepResponse";
  public static final String STEP_CONTEXT = RUNTIME_PACKAGE + ".StepContext";
  /** A step that takes one runs in the transaction that records its checkpoint. */
  public static final String CONNECTION = "java.sql.Connection";
  public static final String DATA_SOURCE = "javax.sql.DataSource";
  public static final String STATEMENT = "java.sql.Statement";
  public static final String PREPARED_STATEMENT = "java.sql.PreparedStatement";

  public static final String OPTIONAL = "java.util.Optional";
  public static final String JAVAX_INJECT = "javax.inject.Inject";
  public static final String JAKARTA_INJECT = "jakarta.inject.Inject";

  /**
   * The version of the contract between generated runners and the runtime; must equal
   * {@code io.stepwise.runtime.internal.WorkflowSpec.GENERATED_CODE_VERSION}.
   */
  public static final int GENERATED_CODE_VERSION = 1;

  private Names() {}
}
