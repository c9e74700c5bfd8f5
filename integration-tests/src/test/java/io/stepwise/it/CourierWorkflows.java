package io.stepwise.it;

import io.stepwise.annotations.ChildWorkflow;
import io.stepwise.annotations.From;
import io.stepwise.annotations.Input;
import io.stepwise.annotations.Step;
import io.stepwise.annotations.Workflow;
import io.stepwise.runtime.StepContext;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Child workflows whose constructor needs a service, which the child's runner resolves from its
 * parent's container: a parent created without one must fail at once, saying how to create it.
 */
public final class CourierWorkflows {
  private CourierWorkflows() {}

  /** The service the child workflow needs. */
  public static final class Courier {
    String deliver(String parcel) {
      return "delivered " + parcel;
    }
  }

  /** The child: its constructor needs a {@link Courier}. */
  @Workflow("deliver")
  public static final class Deliver {
    private final Courier courier;

    public Deliver(Courier courier) {
      this.courier = courier;
    }

    @Step("drop-off")
    String dropOff(@Input String parcel, StepContext ctx) {
      boolean parentsContainer = ctx.container().resolve(Courier.class) == courier;
      return courier.deliver(parcel) + (parentsContainer ? " from the parent's container" : "");
    }
  }

  /** A parent whose steps are all synchronous (WorkflowRun). */
  @Workflow("send")
  public static final class Send {
    @Step("pack")
    String pack(@Input String item) {
      return "parcel of " + item;
    }

    @Step("deliver")
    @ChildWorkflow(Deliver.class)
    String deliver(@From("pack") String parcel) {
      return parcel;
    }
  }

  /** A parent with an asynchronous step (AsyncRun). */
  @Workflow("send-async")
  public static final class SendAsync {
    @Step("pack")
    CompletionStage<String> pack(@Input String item) {
      return CompletableFuture.completedFuture("parcel of " + item);
    }

    @Step("deliver")
    @ChildWorkflow(Deliver.class)
    String deliver(@From("pack") String parcel) {
      return parcel;
    }
  }

  /** A grandparent: its child's child needs the service. */
  @Workflow("send-gift")
  public static final class SendGift {
    @Step("send")
    @ChildWorkflow(Send.class)
    String send(@Input String item) {
      return "gift " + item;
    }
  }
}
