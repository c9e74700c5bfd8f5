package io.stepwise.runtime.store;

import java.lang.reflect.Type;
import java.util.Arrays;
import java.util.Objects;

/**
 * The Java types of the values a workflow's runs record: its input, its result, and for each step
 * (by its position: its index in the workflow's declaration order, from 0) its output and its
 * compensation input. A store encodes values with these types and decodes them back to them.
 * Generated code builds one per workflow, without reflection (see {@link Types}):
 *
 * <pre>{@code
 * RunTypes types = RunTypes.builder("create-restock-order", CreateRestockOrderInput.class, RestockOrder.class)
 *     .step(0, RestockOrder.class, String.class)
 *     .step(1, Types.parameterized(List.class, RestockOrderItem.class), Types.parameterized(List.class, String.class))
 *     .step(2, RestockOrder.class, RestockOrder.class)
 *     .build();
 * }</pre>
 *
 * <p>A step without data ({@code void}) is declared with {@code Void.class}. {@link #untyped} reads
 * a run of any definition, for inspection.
 */
public final class RunTypes {
  private static final int MAX_NAME = 255;

  private final String workflowName;
  private final Type input;
  private final Type result;
  /** Per position: the output type; null where no step is declared; empty when untyped. */
  private final Type[] outputs;
  private final Type[] compensationInputs;
  private final boolean untyped;

  private RunTypes(String workflowName, Type input, Type result, Type[] outputs, Type[] compensationInputs,
      boolean untyped) {
    this.workflowName = workflowName;
    this.input = input;
    this.result = result;
    this.outputs = outputs;
    this.compensationInputs = compensationInputs;
    this.untyped = untyped;
  }

  /**
   * Starts the types of workflow {@code workflowName}, whose runs take {@code input} ({@code
   * Void.class} for none) and produce {@code result}.
   */
  public static Builder builder(String workflowName, Type input, Type result) {
    return new Builder(checkName(workflowName, "workflowName"), input, result);
  }

  /**
   * Types that read the runs of {@code workflowName} whatever their definition: every value has
   * type {@code Object}, so each store gives it back in its own general form (a store of JSON gives
   * maps, lists, strings, numbers and booleans). For timelines and for runs recorded by another
   * definition of the workflow.
   */
  public static RunTypes untyped(String workflowName) {
    return new RunTypes(checkName(workflowName, "workflowName"), Object.class, Object.class, new Type[0],
        new Type[0], true);
  }

  /** The name of the workflow, as in {@code @Workflow("...")}. */
  public String workflowName() {
    return workflowName;
  }

  /** Whether these are {@link #untyped} types. */
  public boolean isUntyped() {
    return untyped;
  }

  /** The type of the workflow's input ({@code Void.class} when it takes none). */
  public Type input() {
    return input;
  }

  /** The type of the workflow's result. */
  public Type result() {
    return result;
  }

  /**
   * The type of the output of the step at {@code position}.
   *
   * @param stepName the step's name, for the message if there is no such step
   * @throws RunStoreException if no step is declared at that position
   */
  public Type output(int position, String stepName) {
    return untyped ? Object.class : at(outputs, position, stepName);
  }

  /**
   * The type of the compensation input of the step at {@code position}.
   *
   * @param stepName the step's name, for the message if there is no such step
   * @throws RunStoreException if no step is declared at that position
   */
  public Type compensationInput(int position, String stepName) {
    return untyped ? Object.class : at(compensationInputs, position, stepName);
  }

  private Type at(Type[] types, int position, String stepName) {
    if (position < 0 || position >= types.length || types[position] == null) {
      throw new RunStoreException("Workflow '" + workflowName + "' declares no step at position " + position
          + " (step '" + stepName + "') in its RunTypes, which declare positions " + positions()
          + "; the run was recorded by another definition of the workflow, or the RunTypes are incomplete");
    }
    return types[position];
  }

  private String positions() {
    StringBuilder sb = new StringBuilder("[");
    for (int i = 0; i < outputs.length; i++) {
      if (outputs[i] != null) {
        sb.append(sb.length() > 1 ? ", " : "").append(i);
      }
    }
    return sb.append(']').toString();
  }

  static String checkName(String name, String what) {
    if (name == null || name.isBlank()) {
      throw new IllegalArgumentException(what + " must not be null or blank");
    }
    if (name.length() > MAX_NAME) {
      throw new IllegalArgumentException(what + " must have at most " + MAX_NAME + " characters, has "
          + name.length() + ": " + name.substring(0, 40) + "...");
    }
    return name;
  }

  @Override
  public String toString() {
    if (untyped) {
      return "RunTypes{" + workflowName + ", untyped}";
    }
    StringBuilder sb = new StringBuilder("RunTypes{").append(workflowName)
        .append(", input=").append(input.getTypeName()).append(", result=").append(result.getTypeName());
    for (int i = 0; i < outputs.length; i++) {
      if (outputs[i] != null) {
        sb.append(", ").append(i).append('=').append(outputs[i].getTypeName())
            .append('/').append(compensationInputs[i].getTypeName());
      }
    }
    return sb.append('}').toString();
  }

  /** Builds {@link RunTypes}: one {@link #step} call per step that records data. */
  public static final class Builder {
    private final String workflowName;
    private final Type input;
    private final Type result;
    private Type[] outputs = new Type[8];
    private Type[] compensationInputs = new Type[8];
    private int size;

    private Builder(String workflowName, Type input, Type result) {
      this.workflowName = workflowName;
      this.input = Objects.requireNonNull(input, "input");
      this.result = Objects.requireNonNull(result, "result");
    }

    /**
     * Declares the step at {@code position} (its index in declaration order, from 0): the type of
     * its output and of its compensation input ({@code Void.class} for none).
     */
    public Builder step(int position, Type output, Type compensationInput) {
      if (position < 0) {
        throw new IllegalArgumentException("position must be >= 0, was " + position);
      }
      Objects.requireNonNull(output, "output");
      Objects.requireNonNull(compensationInput, "compensationInput");
      if (position >= outputs.length) {
        outputs = Arrays.copyOf(outputs, Math.max(position + 1, outputs.length * 2));
        compensationInputs = Arrays.copyOf(compensationInputs, outputs.length);
      }
      if (outputs[position] != null) {
        throw new IllegalArgumentException("step position " + position + " of workflow '" + workflowName
            + "' is declared twice");
      }
      outputs[position] = output;
      compensationInputs[position] = compensationInput;
      size = Math.max(size, position + 1);
      return this;
    }

    public RunTypes build() {
      return new RunTypes(workflowName, input, result, Arrays.copyOf(outputs, size),
          Arrays.copyOf(compensationInputs, size), false);
    }
  }
}
