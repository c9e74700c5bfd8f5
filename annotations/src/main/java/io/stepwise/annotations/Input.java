package io.stepwise.annotations;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Wires a parameter of a {@link Step} or {@link When} method to the workflow's input.
 *
 * <p>The compiler checks that every {@code @Input} parameter of a workflow has exactly the same
 * type; that type becomes the input type of the generated runner ({@code Void} if no step takes the
 * input). A parameter may not carry both {@code @Input} and {@link From}.
 */
@Documented
@Retention(RetentionPolicy.CLASS)
@Target(ElementType.PARAMETER)
public @interface Input {}
