package io.stepwise.processor;

import com.google.auto.service.AutoService;
import io.stepwise.processor.collect.Mirrors;
import io.stepwise.processor.collect.Unresolved;
import io.stepwise.processor.collect.UnresolvedAnnotations;
import io.stepwise.processor.collect.WorkflowCollector;
import io.stepwise.processor.collect.WorkflowDecl;
import io.stepwise.processor.diag.Diag;
import io.stepwise.processor.diag.ElementFormatter;
import io.stepwise.processor.diag.ValidationReport;
import io.stepwise.processor.graph.ChildWorkflows;
import io.stepwise.processor.graph.StepGraph;
import io.stepwise.processor.graph.TypeRules;
import io.stepwise.processor.model.ModelBuilder;
import io.stepwise.processor.model.WorkflowModel;
import io.stepwise.processor.validate.WorkflowValidator;
import io.stepwise.processor.write.DiagramWriter;
import io.stepwise.processor.write.GeneratedFiles;
import io.stepwise.processor.write.RunnerWriter;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import javax.annotation.processing.AbstractProcessor;
import javax.annotation.processing.Messager;
import javax.annotation.processing.ProcessingEnvironment;
import javax.annotation.processing.Processor;
import javax.annotation.processing.RoundEnvironment;
import javax.lang.model.SourceVersion;
import javax.lang.model.element.AnnotationMirror;
import javax.lang.model.element.Element;
import javax.lang.model.element.ElementKind;
import javax.lang.model.element.ExecutableElement;
import javax.lang.model.element.TypeElement;
import javax.lang.model.util.Elements;
import javax.tools.Diagnostic;

/**
 * The Stepwise annotation processor: for each {@code @Workflow} class, collect its declarations,
 * validate them, build a model and generate its runner. It reports every mistake as a compile error
 * on the narrowest element, generates nothing for an invalid workflow, and never throws.
 */
@AutoService(Processor.class)
public final class WorkflowProcessor extends AbstractProcessor {
  private Elements elements;
  private Messager messager;
  private WorkflowCollector collector;
  private WorkflowValidator validator;
  private ChildWorkflows children;
  private ModelBuilder models;
  private RunnerWriter runnerWriter;
  private DiagramWriter diagramWriter;
  private GeneratedFiles files;
  /** Workflows waiting for a type that a later round may generate: qualified name → missing type. */
  private final Map<String, String> deferred = new LinkedHashMap<>();
  /** The workflows written so far, by their diagram's resource path: their name and class. */
  private final Map<String, Map.Entry<String, String>> workflowNames = new LinkedHashMap<>();

  @Override
  public synchronized void init(ProcessingEnvironment env) {
    super.init(env);
    elements = env.getElementUtils();
    messager = env.getMessager();
    collector = new WorkflowCollector(elements, env.getTypeUtils());
    TypeRules typeRules = new TypeRules(env.getTypeUtils(), elements);
    children = new ChildWorkflows(elements, typeRules, collector);
    validator = new WorkflowValidator(typeRules, elements, children);
    models = new ModelBuilder(env.getTypeUtils(), children);
    runnerWriter = new RunnerWriter();
    diagramWriter = new DiagramWriter();
    files = new GeneratedFiles(env.getFiler(), messager, elements);
  }

  @Override
  public Set<String> getSupportedAnnotationTypes() {
    return Set.of(Names.WORKFLOW, Names.STEP, Names.COMPENSATE, Names.INPUT, Names.FROM, Names.WHEN, Names.PARALLEL,
        Names.CHILD_WORKFLOW, Names.HOOK, Names.GENERATED);
  }

  @Override
  public SourceVersion getSupportedSourceVersion() {
    return SourceVersion.latestSupported();
  }

  /**
   * Processes one round and claims its annotations: unlike STYLE.md's example, which never claims,
   * it returns true, because an annotation nobody claims makes {@code javac -Xlint:all} warn "No
   * processor claimed any of these annotations", and {@code -Werror} turns that into a failed build.
   * Claiming hides an annotation only from the processors that run after this one; Stepwise's own
   * annotations ({@code io.stepwise.annotations}) mean nothing to any other processor, so no one
   * loses them. The one other type it supports, {@code @Generated}, is on every runner it writes;
   * it is claimed only in a round where it marks nothing but those runners: on code another tool
   * generated, another processor may read it, so then the round claims nothing (see
   * {@link #claims}).
   */
  @Override
  public boolean process(Set<? extends TypeElement> annotations, RoundEnvironment round) {
    if (round.processingOver()) {
      reportLeftovers();
      return false;
    }
    Set<TypeElement> workflows = new LinkedHashSet<>();
    for (String name : deferred.keySet()) {
      TypeElement type = elements.getTypeElement(name);
      if (type != null) {
        workflows.add(type);
      }
    }
    deferred.clear();
    Map<String, List<Element>> annotated = annotatedElements(round);
    for (Element element : annotated.get(Names.WORKFLOW)) {
      if (element instanceof TypeElement type) {
        workflows.add(type);
      } else {
        guard(element, () -> messager.printMessage(Diagnostic.Kind.ERROR, Diag.WORKFLOW_NOT_A_CLASS.render(
            element.getSimpleName(), "not a type"), element));
      }
    }
    reportOutsideWorkflows(annotated);
    for (TypeElement type : workflows) {
      guard(type, () -> processOne(type));
    }
    children.clear(); // its signatures hold this round's elements
    return claims(annotations, round);
  }

  /**
   * Whether this round's annotations may be claimed: yes, unless {@code @Generated} is among them
   * and marks an element this processor did not generate. javac claims all of a round's
   * annotations or none, so a round that holds another tool's {@code @Generated} claims none,
   * ours included; unless a later processor claims that {@code @Generated}, javac warns about it
   * whatever this processor returns.
   */
  private boolean claims(Set<? extends TypeElement> annotations, RoundEnvironment round) {
    for (TypeElement annotation : annotations) {
      if (annotation.getQualifiedName().contentEquals(Names.GENERATED)) {
        for (Element element : round.getElementsAnnotatedWith(annotation)) {
          if (!Mirrors.find(element, Names.GENERATED)
              .map(generated -> Mirrors.strings(Mirrors.value(elements, generated, "value")).contains(Names.PROCESSOR))
              .orElse(false)) {
            return false;
          }
        }
      }
    }
    return true;
  }

  private void processOne(TypeElement type) {
    Optional<String> missing = Unresolved.find(type).or(() -> UnresolvedAnnotations.find(type));
    if (missing.isPresent()) {
      deferred.put(type.getQualifiedName().toString(), missing.get());
      return;
    }
    WorkflowDecl decl = collector.collect(type);
    StepGraph graph = new StepGraph(decl);
    ValidationReport report = validator.validate(decl, graph);
    report.printTo(messager);
    if (!report.isClean()) {
      return;
    }
    if (!claimName(decl)) {
      return;
    }
    WorkflowModel model = models.build(decl, graph);
    String diagram = diagramWriter.mermaid(model);
    files.write(model.runnerClass().packageName(), runnerWriter.typeSpec(model, diagram), type);
    files.writeResource(RunnerWriter.resourcePath(model.workflowName()), diagram, type);
  }

  /**
   * Claims the workflow's name, and so its diagram's resource path, for its class: false, with an
   * error on the name, if another workflow of this compilation has it (or a name with the same path,
   * such as {@code a/b} and {@code a_b}). Only the workflows this compilation sees are compared.
   */
  private boolean claimName(WorkflowDecl decl) {
    String owner = decl.type().getQualifiedName().toString();
    String resource = RunnerWriter.resourcePath(decl.name());
    Map.Entry<String, String> other = workflowNames.putIfAbsent(resource, Map.entry(decl.name(), owner));
    if (other == null || other.getValue().equals(owner)) {
      return true;
    }
    ValidationReport report = new ValidationReport();
    report.error(Diag.DUPLICATE_WORKFLOW_NAME, decl.type(), decl.mirror(), decl.nameValue(), resource,
        ElementFormatter.nestedName(decl.type()), decl.name(), other.getValue(),
        other.getKey().equals(decl.name()) ? "" : " (its name '" + other.getKey() + "' gives the same path)");
    report.printTo(messager);
    return false;
  }

  /**
   * Steps, compensations, conditions and wiring in classes that are not workflows. The missing
   * {@code @Workflow} is one mistake per method: a method with both {@code @Step} and {@code @When}
   * is reported once, and the {@code @Input}/{@code @From} of a step, or of a condition such a step
   * names, are not reported again as misplaced.
   */
  private void reportOutsideWorkflows(Map<String, List<Element>> annotated) {
    ValidationReport report = new ValidationReport();
    Set<Element> reported = new LinkedHashSet<>();
    Map<Element, Set<String>> conditionNames = new LinkedHashMap<>();
    for (String annotation : new String[] {Names.STEP, Names.COMPENSATE, Names.WHEN, Names.PARALLEL, Names.CHILD_WORKFLOW, Names.HOOK}) {
      TypeElement annotationType = elementOrNull(annotation);
      if (annotationType == null) {
        continue;
      }
      for (Element element : annotated.get(annotation)) {
        Element owner = element.getEnclosingElement();
        if (owner == null || Mirrors.has(owner, Names.WORKFLOW)) {
          continue;
        }
        if (annotation.equals(Names.STEP)) {
          Mirrors.find(element, Names.WHEN).ifPresent(when -> conditionNames
              .computeIfAbsent(owner, o -> new LinkedHashSet<>())
              .add(Mirrors.string(Mirrors.value(elements, when, "value"))));
        }
        if (reported.add(element)) {
          guard(element, () -> report.error(Diag.STEP_OUTSIDE_WORKFLOW, element,
              Mirrors.find(element, annotation).orElse(null), annotationType.getSimpleName(),
              owner instanceof TypeElement t ? ElementFormatter.nestedName(t) : owner.getSimpleName()));
        }
      }
    }
    Set<ExecutableElement> methods = new LinkedHashSet<>();
    for (String annotation : new String[] {Names.INPUT, Names.FROM}) {
      for (Element parameter : annotated.get(annotation)) {
        Element method = parameter.getEnclosingElement();
        Element owner = method == null ? null : method.getEnclosingElement();
        if (method instanceof ExecutableElement executable && owner != null
            && !Mirrors.has(owner, Names.WORKFLOW)
            && (method.getKind() == ElementKind.CONSTRUCTOR
                || !Mirrors.has(method, Names.STEP) && !Mirrors.has(method, Names.HOOK)
                    && !conditionNames.getOrDefault(owner, Set.of()).contains(method.getSimpleName().toString()))) {
          methods.add(executable);
        }
      }
    }
    methods.forEach(method -> WorkflowValidator.reportMisplacedWiring(method, report));
    report.printTo(messager);
  }

  /**
   * After the last round: a workflow still deferred names a type that never appeared. javac reports
   * that type itself as an error, so we add only a note saying why there is no runner.
   */
  private void reportLeftovers() {
    for (Map.Entry<String, String> entry : deferred.entrySet()) {
      TypeElement type = elements.getTypeElement(entry.getKey());
      String runner = entry.getKey() + "Runner";
      if (type != null) {
        runner = ModelBuilder.runnerName(type).simpleName();
        messager.printMessage(Diagnostic.Kind.NOTE, Diag.UNRESOLVED_TYPE.render(runner, entry.getValue()), type);
      }
    }
    deferred.clear();
  }

  /**
   * The round's elements that carry each of Stepwise's annotations, by the annotation's qualified
   * name, each list in the order {@link RoundEnvironment#getElementsAnnotatedWith} gives: found in
   * one walk over the round's elements instead of one per annotation (a round of generated runners
   * has many elements and none of these annotations). An annotation type that does not exist has
   * an empty list.
   */
  private Map<String, List<Element>> annotatedElements(RoundEnvironment round) {
    Map<String, List<Element>> byName = new HashMap<>();
    Map<TypeElement, List<Element>> byType = new HashMap<>();
    for (String name : new String[] {Names.WORKFLOW, Names.STEP, Names.COMPENSATE, Names.WHEN, Names.PARALLEL,
        Names.CHILD_WORKFLOW, Names.HOOK, Names.INPUT, Names.FROM}) {
      List<Element> annotatedWith = new ArrayList<>();
      byName.put(name, annotatedWith);
      TypeElement type = elementOrNull(name);
      if (type != null) {
        byType.put(type, annotatedWith);
      }
    }
    for (Element element : round.getElementsAnnotatedWithAny(byType.keySet().toArray(new TypeElement[0]))) {
      for (AnnotationMirror mirror : elements.getAllAnnotationMirrors(element)) {
        List<Element> annotatedWith = byType.get(mirror.getAnnotationType().asElement());
        // once, however often it is repeated: the element is the last one added
        if (annotatedWith != null && (annotatedWith.isEmpty() || annotatedWith.get(annotatedWith.size() - 1) != element)) {
          annotatedWith.add(element);
        }
      }
    }
    return byName;
  }

  private TypeElement elementOrNull(String name) {
    return elements.getTypeElement(name);
  }

  /** Runs {@code work}; an unexpected exception becomes an error on the element, never a crash of javac. */
  private void guard(Element element, Runnable work) {
    try {
      work.run();
    } catch (RuntimeException | LinkageError e) {
      StringWriter trace = new StringWriter();
      e.printStackTrace(new PrintWriter(trace));
      messager.printMessage(Diagnostic.Kind.ERROR, Diag.INTERNAL_ERROR.render(
          ElementFormatter.element(element), trace), element);
    }
  }
}
