package io.stepwise.runtime.store;

import java.time.Instant;
import java.util.EnumSet;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Which runs {@link RunStore#list} gives: filters (each optional) and a page. Runs come oldest
 * first (by creation time, then transaction id).
 *
 * <pre>{@code
 * store.list(RunQuery.builder().workflowName("create-restock-order").statuses(RunStatus.FAILED).limit(50).build());
 * }</pre>
 */
public final class RunQuery {
  /** The largest page. */
  public static final int MAX_LIMIT = 10_000;

  private final String workflowName;
  private final Set<RunStatus> statuses;
  private final Instant createdFrom;
  private final Instant createdBefore;
  private final int limit;
  private final int offset;

  private RunQuery(Builder b) {
    this.workflowName = b.workflowName;
    this.statuses = Set.copyOf(b.statuses);
    this.createdFrom = b.createdFrom;
    this.createdBefore = b.createdBefore;
    this.limit = b.limit;
    this.offset = b.offset;
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Only the runs of this workflow; empty for all. */
  public Optional<String> workflowName() {
    return Optional.ofNullable(workflowName);
  }

  /** Only runs with one of these statuses; empty for any status. */
  public Set<RunStatus> statuses() {
    return statuses;
  }

  /** Only runs created at or after this time. */
  public Optional<Instant> createdFrom() {
    return Optional.ofNullable(createdFrom);
  }

  /** Only runs created before this time. */
  public Optional<Instant> createdBefore() {
    return Optional.ofNullable(createdBefore);
  }

  /** At most this many runs (default 100). */
  public int limit() {
    return limit;
  }

  /** How many matching runs to pass over first (default 0). */
  public int offset() {
    return offset;
  }

  /** Whether {@code header} passes the filters (not the page). */
  public boolean matches(RunHeader header) {
    return (workflowName == null || workflowName.equals(header.workflowName()))
        && (statuses.isEmpty() || statuses.contains(header.status()))
        && (createdFrom == null || !header.created().isBefore(createdFrom))
        && (createdBefore == null || header.created().isBefore(createdBefore));
  }

  @Override
  public String toString() {
    return "RunQuery{workflow=" + workflowName + ", statuses=" + statuses + ", created=[" + createdFrom + ", "
        + createdBefore + "), limit=" + limit + ", offset=" + offset + "}";
  }

  /** Builds a {@link RunQuery}; by default it matches every run, and gives the first 100. */
  public static final class Builder {
    private String workflowName;
    private final Set<RunStatus> statuses = EnumSet.noneOf(RunStatus.class);
    private Instant createdFrom;
    private Instant createdBefore;
    private int limit = 100;
    private int offset;

    private Builder() {}

    public Builder workflowName(String workflowName) {
      this.workflowName = RunTypes.checkName(workflowName, "workflowName");
      return this;
    }

    /** Only runs with one of these statuses (replacing any given before). */
    public Builder statuses(RunStatus... statuses) {
      this.statuses.clear();
      for (RunStatus status : statuses) {
        this.statuses.add(Objects.requireNonNull(status, "status"));
      }
      return this;
    }

    /** Only runs created at or after {@code from}. */
    public Builder createdFrom(Instant from) {
      this.createdFrom = Times.micros(Objects.requireNonNull(from, "from"));
      return this;
    }

    /** Only runs created before {@code before}. */
    public Builder createdBefore(Instant before) {
      this.createdBefore = Times.micros(Objects.requireNonNull(before, "before"));
      return this;
    }

    /** At most {@code limit} runs, from 1 to {@link #MAX_LIMIT}. */
    public Builder limit(int limit) {
      if (limit < 1 || limit > MAX_LIMIT) {
        throw new IllegalArgumentException("limit must be from 1 to " + MAX_LIMIT + ", was " + limit);
      }
      this.limit = limit;
      return this;
    }

    /** Pass over the first {@code offset} matching runs. */
    public Builder offset(int offset) {
      if (offset < 0) {
        throw new IllegalArgumentException("offset must be >= 0, was " + offset);
      }
      this.offset = offset;
      return this;
    }

    public RunQuery build() {
      return new RunQuery(this);
    }
  }
}
