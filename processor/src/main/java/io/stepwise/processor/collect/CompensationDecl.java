package io.stepwise.processor.collect;

import java.util.List;
import javax.lang.model.element.AnnotationMirror;
import javax.lang.model.element.AnnotationValue;
import javax.lang.model.element.ExecutableElement;

/** A {@code @Compensate} method, as written. */
public record CompensationDecl(
    ExecutableElement method, AnnotationMirror mirror, String step, AnnotationValue value, List<ParamDecl> params) {}
