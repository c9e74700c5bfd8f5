package io.stepwise.benchmarks.durable;

/** The input of the durable benchmark's workflow, recorded as JSON by Stepwise and by DBOS alike. */
public record DurableOrder(String sku, int quantity) {}
