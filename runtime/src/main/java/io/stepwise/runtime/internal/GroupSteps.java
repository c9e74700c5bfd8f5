package io.stepwise.runtime.internal;

import io.stepwise.runtime.internal.SyncStepMachine.Shape;
import io.stepwise.runtime.internal.WorkflowRun.Branch;

/**
 * The steps with plain results that a {@code @Parallel} group of either kind of run starts, on its
 * {@link GroupCoordinator}: what {@link WorkflowRun.Group} and {@link AsyncRun.Group} have in common.
 * Not API.
 */
abstract class GroupSteps {
  final GroupCoordinator coordinator;

  GroupSteps(GroupCoordinator coordinator) {
    this.coordinator = coordinator;
  }

  public <O, C> Branch<O, C> step(StepSpec step, StepBody<O, C> body, Compensation<? super C> compensation) {
    return start(step, null, Shape.RESPONSE, body, compensation);
  }

  public <O, C> Branch<O, C> step(StepSpec step, Condition when, StepBody<O, C> body, Compensation<? super C> compensation) {
    return start(step, when, Shape.RESPONSE, body, compensation);
  }

  public <O> Branch<O, O> valueStep(StepSpec step, ValueBody<O> body, Compensation<? super O> compensation) {
    return start(step, null, Shape.VALUE, body, compensation);
  }

  public <O> Branch<O, O> valueStep(StepSpec step, Condition when, ValueBody<O> body, Compensation<? super O> compensation) {
    return start(step, when, Shape.VALUE, body, compensation);
  }

  public <R> Branch<R, ChildRun<R>> childStep(StepSpec step, ChildBody<R> body) {
    return start(step, null, Shape.RESPONSE, Bodies.child(body), Bodies.ChildCompensation.INSTANCE);
  }

  public <R> Branch<R, ChildRun<R>> childStep(StepSpec step, Condition when, ChildBody<R> body) {
    return start(step, when, Shape.RESPONSE, Bodies.child(body), Bodies.ChildCompensation.INSTANCE);
  }

  public Branch<Void, Void> voidStep(StepSpec step, VoidBody body, VoidCompensation compensation) {
    return start(step, null, Shape.VOID, body, Bodies.voidCompensation(compensation));
  }

  public Branch<Void, Void> voidStep(StepSpec step, Condition when, VoidBody body, VoidCompensation compensation) {
    return start(step, when, Shape.VOID, body, Bodies.voidCompensation(compensation));
  }

  public <O, C> Branch<O, C> transactionalStep(StepSpec step, TransactionalBody<O, C> body,
      Compensation<? super C> compensation) {
    return coordinator.start(new TransactionalStepMachine<>(coordinator.run(), step, null, false, body), compensation);
  }

  public <O, C> Branch<O, C> transactionalStep(StepSpec step, Condition when, TransactionalBody<O, C> body,
      Compensation<? super C> compensation) {
    return coordinator.start(new TransactionalStepMachine<>(coordinator.run(), step, when, false, body), compensation);
  }

  private <O, C> Branch<O, C> start(StepSpec step, Condition when, Shape shape, Object body,
      Compensation<? super C> compensation) {
    return coordinator.start(new SyncStepMachine<O, C>(coordinator.run(), step, when, false, shape, body), compensation);
  }
}
