package io.stepwise.processor.model;

import com.palantir.javapoet.NameAllocator;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Decides, once per workflow, every name its runner declares for the workflow's steps: the
 * {@code StepSpec} constants, the fields of hooks and child runners, and the locals of the
 * {@code steps} method (step outputs, groups, branches, the parameters of an asynchronous chain).
 * No name clashes with another, with a Java keyword, or with the names the runner uses itself;
 * the writers take the names from the model as they are and never make up one.
 */
final class RunnerNames {
  /**
   * The runner's own constants: the workflow's name, its diagram, the types and the fingerprint of
   * what its durable runs record, and its {@code WorkflowSpec}.
   */
  private static final List<String> CONSTANTS = List.of("WORKFLOW_NAME", "DIAGRAM", "TYPES", "FINGERPRINT", "SPEC");

  /** The runner's own fields: the workflow instance, its container, the runs in progress. */
  private static final List<String> FIELDS = List.of("workflow", "container", "runs");

  /**
   * Names a local of the {@code steps} method never takes: the {@code workflow} field that the
   * lambdas call unqualified, the method's parameters ({@code run}, {@code input}), the parameters
   * of the lambdas ({@code ctx}, {@code connection}, {@code compensationInput}), and {@code container}, {@code options}
   * and {@code halt} (names of {@code run(input, options)}, kept so that generated names stay as
   * they were). Fields other than {@code workflow} are referred to with {@code this.}.
   */
  private static final List<String> LOCALS =
      List.of("workflow", "container", "input", "options", "run", "halt", "ctx", "connection",
          "compensationInput");

  private static final Pattern CAMEL_HUMP = Pattern.compile("([a-z0-9])([A-Z])");
  private static final Pattern NOT_ALPHANUMERIC = Pattern.compile("[^A-Za-z0-9]+");
  private static final Pattern OUTER_UNDERSCORES = Pattern.compile("^_+|_+$");

  private final NameAllocator constants = new NameAllocator();
  private final NameAllocator fields = new NameAllocator();
  private final NameAllocator locals = new NameAllocator();

  RunnerNames() {
    CONSTANTS.forEach(name -> constants.newName(name, "reserved:" + name));
    FIELDS.forEach(name -> fields.newName(name, "reserved:" + name));
    LOCALS.forEach(name -> locals.newName(name, "reserved:" + name));
  }

  /** The {@code StepSpec} constant of a step: {@code create-order} → {@code CREATE_ORDER}. */
  String constant(String step) {
    return constants.newName(upperSnake(step), "constant:" + step);
  }

  /** The field holding a hook's handler: {@code order-created} → {@code orderCreatedHook}. */
  String hookField(String step) {
    return fields.newName(camel(step) + "Hook", "hook:" + step);
  }

  /** The field holding the runner of a step's child workflow: {@code ship} → {@code shipRunner}. */
  String childField(String step) {
    return fields.newName(camel(step) + "Runner", "child:" + step);
  }

  /** The local holding a step's output: {@code create-order} → {@code createOrder}. */
  String output(String step) {
    return locals.newName(camel(step), "output:" + step);
  }

  /** The local holding a {@code @Parallel} group: {@code dispatch} → {@code dispatchGroup}. */
  String group(String group) {
    return locals.newName(camel(group) + "Group", "group:" + group);
  }

  /** The local holding the group of a {@code noWait} step: {@code send-email} → {@code sendEmailNoWait}. */
  String noWait(String step) {
    return locals.newName(camel(step) + "NoWait", "noWait:" + step);
  }

  /** The local holding the branch of a grouped step whose output is {@code output}. */
  String branch(String output) {
    return locals.newName(output + "Branch", "branch:" + output);
  }

  /** The parameter of the lambda that an asynchronous group's join completes. */
  String joined(String group) {
    return locals.newName(camel(group) + "Joined", "joined:" + group);
  }

  /** The parameter of the lambda after an asynchronous step whose output no later step uses. */
  String done(String step) {
    return locals.newName(camel(step) + "Done", "done:" + step);
  }

  /** {@code create-order} → {@code createOrder}. */
  static String camel(String name) {
    StringBuilder out = new StringBuilder();
    boolean upper = false;
    for (char c : name.toCharArray()) {
      if (Character.isLetterOrDigit(c)) {
        out.append(upper && out.length() > 0 ? Character.toUpperCase(c) : c);
        upper = false;
      } else {
        upper = true;
      }
    }
    String id = NameAllocator.toJavaIdentifier(out.length() == 0 ? "step" : out.toString());
    return Character.toLowerCase(id.charAt(0)) + id.substring(1);
  }

  /** The runner method that registers a hook's handler: {@code order-created} → {@code onOrderCreated}. */
  static String hookRegistration(String hookName) {
    return prefixed("on", hookName);
  }

  /** {@code prefix} and a step's name in camel case: {@code ("retry", "charge-payment")} → {@code retryChargePayment}. */
  static String prefixed(String prefix, String stepName) {
    String camel = camel(stepName);
    return prefix + Character.toUpperCase(camel.charAt(0)) + camel.substring(1);
  }

  /** {@code create-order} → {@code CREATE_ORDER}. */
  static String upperSnake(String name) {
    String snake = NOT_ALPHANUMERIC.matcher(CAMEL_HUMP.matcher(name).replaceAll("$1_$2")).replaceAll("_")
        .toUpperCase(Locale.ROOT);
    snake = OUTER_UNDERSCORES.matcher(snake).replaceAll("");
    return NameAllocator.toJavaIdentifier(snake.isEmpty() ? "STEP" : snake);
  }
}
