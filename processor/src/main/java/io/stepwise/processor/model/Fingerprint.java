package io.stepwise.processor.model;

import com.palantir.javapoet.TypeName;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;

/**
 * The fingerprint of a workflow's definition, which a durable run records so that the engine can
 * recognise a run recorded by another definition before it replays a step: {@code sha256:} and the
 * first 16 hex digits of the SHA-256 of the definition's {@linkplain #canonicalText canonical
 * text}. The same definition has the same fingerprint in every compilation; renaming, reordering,
 * retyping a step or changing its kind changes it. Retries, timeouts and compensations do not.
 */
final class Fingerprint {
  private static final String PREFIX = "sha256:";
  private static final int HEX_DIGITS = 16;

  private Fingerprint() {}

  /** The fingerprint of {@code canonicalText}. */
  static String of(String canonicalText) {
    try {
      byte[] hash = MessageDigest.getInstance("SHA-256").digest(canonicalText.getBytes(StandardCharsets.UTF_8));
      return PREFIX + HexFormat.of().formatHex(hash).substring(0, HEX_DIGITS);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java platform has SHA-256", e);
    }
  }

  /**
   * The definition as text, one line each: the workflow's name, its input and result types, then
   * each step in position order with its name, its kind and the types a durable run records of it.
   * Names are quoted, types are canonical names ({@code java.util.List<java.lang.String>}):
   *
   * <pre>
   * workflow "place-order"
   * input java.lang.String
   * result java.lang.String
   * step 0 "create-order" value: java.lang.String / java.lang.String
   * step 1 "ship" child "ship": java.lang.Integer / java.lang.Void
   * step 2 "pack" step async conditional group "dispatch": com.acme.Box / java.lang.String
   * step 3 "insert" value transactional: java.lang.Long / java.lang.Long
   * </pre>
   */
  static String canonicalText(String workflowName, TypeName input, TypeName result, List<StepModel> steps,
      Set<String> noWait) {
    StringBuilder text = new StringBuilder()
        .append("workflow ").append(quoted(workflowName)).append('\n')
        .append("input ").append(input).append('\n')
        .append("result ").append(result).append('\n');
    for (int position = 0; position < steps.size(); position++) {
      StepModel step = steps.get(position);
      text.append("step ").append(position).append(' ').append(quoted(step.name())).append(' ').append(kind(step, noWait.contains(step.name())))
          .append(": ").append(step.recorded().output()).append(" / ").append(step.recorded().compensationInput())
          .append('\n');
    }
    return text.toString();
  }

  /**
   * {@code step}, {@code value}, {@code void}, {@code child "name"} or {@code hook}, then what else
   * shapes it: {@code async}, {@code transactional}, {@code conditional} (or {@code optional}: it may
   * end without an output otherwise, skipped or failed and tolerated), {@code nowait},
   * {@code group "name"}. What makes a recorded outcome mean something else changes the kind.
   */
  private static String kind(StepModel step, boolean noWait) {
    StringBuilder kind = new StringBuilder();
    switch (step.shape()) {
      case RESPONSE -> kind.append("step");
      case VALUE -> kind.append("value");
      case VOID -> kind.append("void");
      case CHILD -> kind.append("child ").append(quoted(step.child().orElseThrow().workflowName()));
      case HOOK -> kind.append("hook");
    }
    if (step.async() && step.child().isEmpty()) {
      kind.append(" async"); // a child's own fingerprint covers how the child runs
    }
    if (step.transactional()) {
      kind.append(" transactional"); // its work commits with its checkpoint: recorded differently
    }
    if (step.isConditional()) {
      kind.append(" conditional");
    } else if (step.optionalOutput()) {
      kind.append(" optional"); // it may end without an output: skippable, skipped by a failure, or tolerant
    }
    if (noWait) {
      kind.append(" nowait");
    }
    step.group().ifPresent(group -> kind.append(" group ").append(quoted(group)));
    return kind.toString();
  }

  /** {@code "name"}, with {@code \} and {@code "} escaped, so that no name can read as the rest of a line. */
  private static String quoted(String name) {
    return '"' + name.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n") + '"';
  }
}
