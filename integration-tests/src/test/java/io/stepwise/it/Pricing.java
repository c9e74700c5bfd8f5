package io.stepwise.it;

/** A service the order workflow's constructor takes, resolved from the Container. */
public interface Pricing {
  int unitPrice();
}
