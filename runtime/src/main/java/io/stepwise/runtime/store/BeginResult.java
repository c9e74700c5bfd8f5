package io.stepwise.runtime.store;

import java.util.Objects;
import java.util.Optional;

/**
 * What {@link RunStore#begin} found: either it recorded a new run, or a run with that transaction id
 * was already recorded, and nothing was written.
 */
public final class BeginResult {
  private static final BeginResult CREATED = new BeginResult(null, false);

  private final StoredRun existing;
  private final boolean sameInput;

  private BeginResult(StoredRun existing, boolean sameInput) {
    this.existing = existing;
    this.sameInput = sameInput;
  }

  /** The run was new, and is now recorded. */
  public static BeginResult created() {
    return CREATED;
  }

  /**
   * A run with the transaction id was already recorded: {@code existing}.
   *
   * @param sameInput whether its input equals the one given to {@code begin}, as the store compares
   *     them (equal encodings, or {@code equals} for a store that keeps objects)
   */
  public static BeginResult existing(StoredRun existing, boolean sameInput) {
    return new BeginResult(Objects.requireNonNull(existing, "existing"), sameInput);
  }

  /** Whether this call recorded the run. */
  public boolean isCreated() {
    return existing == null;
  }

  /** The run that was already recorded under the transaction id, if any. */
  public Optional<StoredRun> existing() {
    return Optional.ofNullable(existing);
  }

  /**
   * Whether the run that was already recorded has the input given to {@code begin}; true when this
   * call recorded the run.
   */
  public boolean sameInput() {
    return existing == null || sameInput;
  }

  @Override
  public String toString() {
    return existing == null ? "BeginResult{created}" : "BeginResult{existing=" + existing.header()
        + ", sameInput=" + sameInput + "}";
  }
}
