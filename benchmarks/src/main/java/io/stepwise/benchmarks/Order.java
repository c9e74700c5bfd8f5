package io.stepwise.benchmarks;

/**
 * The input of every benchmarked saga: an amount to do trivial arithmetic on, and whether the last
 * step fails.
 */
public record Order(long amount, boolean failShipping) {}
