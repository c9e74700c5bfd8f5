package io.stepwise.processor.collect;

import javax.lang.model.element.VariableElement;
import javax.lang.model.type.TypeMirror;

/** A parameter of a step, condition or compensation, with its wiring as written. */
public record ParamDecl(VariableElement element, String name, TypeMirror type, Binding binding) {}
