package io.stepwise.processor.model;

import java.util.List;

/** A call of a method of the workflow class: a step, a condition or a compensation. */
public record Call(String method, boolean isStatic, List<Arg> args) {}
