package errand.api.workflows;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import errand.api.FieldError;
import errand.api.InvalidRequest;
import errand.api.jobs.JobSpec;
import errand.api.jobs.SubmitRequestParser;
import org.jspecify.annotations.Nullable;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Turns a submitted workflow into a {@link WorkflowDefinition}, or refuses it with every rule it breaks, each naming
 * the step ({@code /steps/2/dependsOn/0}) and what is wrong: duplicate ids, unknown dependencies, a cycle, a
 * reference to a step that is not a dependency, and whatever would be wrong with the step as a job.
 */
@Component
class WorkflowParser {

    private static final Set<String> FIELDS = Set.of("name", "steps", "onFailure");
    private static final Set<String> STEP_FIELDS = Set.of("id", "type", "payload", "dependsOn", "timeout",
            "maxAttempts");

    private final SubmitRequestParser jobs;
    private final WorkflowsProperties limits;

    WorkflowParser(SubmitRequestParser jobs, WorkflowsProperties limits) {
        this.jobs = jobs;
        this.limits = limits;
    }

    WorkflowDefinition parse(JsonNode request) {
        List<FieldError> errors = new ArrayList<>();
        if (!request.isObject()) {
            throw new InvalidRequest(List.of(new FieldError("", "type", "a workflow must be a JSON object")));
        }
        for (String name : request.propertyNames()) {
            if (!FIELDS.contains(name)) {
                errors.add(new FieldError("/" + name, "unknown", "is not a field of a workflow; known fields: "
                        + String.join(", ", FIELDS.stream().sorted().toList())));
            }
        }
        String name = name(request.get("name"), errors);
        WorkflowDefinition.OnFailure onFailure = onFailure(request.get("onFailure"), errors);
        JsonNode steps = request.get("steps");
        if (steps == null || !steps.isArray() || steps.isEmpty()) {
            errors.add(new FieldError("/steps", "required", "must be a non-empty array of steps"));
            throw new InvalidRequest(errors);
        }
        if (steps.size() > limits.maxSteps()) {
            errors.add(new FieldError("/steps", "max-steps", "has " + steps.size() + " steps; at most "
                    + limits.maxSteps() + " (errand.api.workflows.max-steps)"));
            throw new InvalidRequest(errors);
        }
        Map<String, Integer> positions = ids(steps, errors);
        List<WorkflowDefinition.Step> parsed = new ArrayList<>();
        for (int i = 0; i < steps.size(); i++) {
            step(steps.get(i), i, positions, errors).ifPresent(parsed::add);
        }
        if (errors.isEmpty()) {
            cycle(parsed, positions, errors);
        }
        if (!errors.isEmpty()) {
            throw new InvalidRequest(errors);
        }
        return new WorkflowDefinition(name, onFailure, List.copyOf(parsed));
    }

    private static @Nullable String name(@Nullable JsonNode name, List<FieldError> errors) {
        if (name == null || name.isNull()) {
            return null;
        }
        if (!name.isString()) {
            errors.add(new FieldError("/name", "type", "must be a string"));
            return null;
        }
        return name.asString();
    }

    private static WorkflowDefinition.OnFailure onFailure(@Nullable JsonNode value, List<FieldError> errors) {
        if (value == null || value.isNull()) {
            return WorkflowDefinition.OnFailure.FAIL_FAST;
        }
        for (WorkflowDefinition.OnFailure policy : WorkflowDefinition.OnFailure.values()) {
            if (value.isString() && policy.name().equals(value.asString())) {
                return policy;
            }
        }
        errors.add(new FieldError("/onFailure", "enum", "must be one of FAIL_FAST, CONTINUE"));
        return WorkflowDefinition.OnFailure.FAIL_FAST;
    }

    /** Each step's id and position; a missing, blank or repeated id is an error. */
    private static Map<String, Integer> ids(JsonNode steps, List<FieldError> errors) {
        Map<String, Integer> positions = new LinkedHashMap<>();
        for (int i = 0; i < steps.size(); i++) {
            JsonNode id = steps.get(i).get("id");
            if (id == null || !id.isString() || id.asString().isBlank()) {
                errors.add(new FieldError("/steps/" + i + "/id", "required", "must be a non-blank string"));
            } else if (positions.putIfAbsent(id.asString(), i) != null) {
                errors.add(new FieldError("/steps/" + i + "/id", "unique", "step '" + id.asString()
                        + "' is already step " + positions.get(id.asString())));
            }
        }
        return positions;
    }

    private Optional<WorkflowDefinition.Step> step(JsonNode step, int i, Map<String, Integer> positions,
            List<FieldError> errors) {
        String at = "/steps/" + i;
        if (!step.isObject()) {
            errors.add(new FieldError(at, "type", "a step must be a JSON object"));
            return Optional.empty();
        }
        int errorsBefore = errors.size();
        String id = step.path("id").asString("");
        ObjectNode job = ((ObjectNode) step).deepCopy();
        for (String name : step.propertyNames()) {
            if (!STEP_FIELDS.contains(name)) {
                errors.add(new FieldError(at + "/" + name, "unknown", "is not a field of a step; known fields: "
                        + String.join(", ", STEP_FIELDS.stream().sorted().toList())));
                job.remove(name);
            }
        }
        job.remove("id");
        job.remove("dependsOn");
        List<String> dependsOn = dependsOn(step.get("dependsOn"), at, id, positions, errors);
        List<FieldError> referenceErrors = new ArrayList<>();
        JsonNode payload = step.get("payload");
        List<References.Reference> references = payload == null ? List.of()
                : References.in(payload, referenceErrors);
        referenceErrors.forEach(e -> errors.add(e.within(at + "/payload")));
        for (References.Reference reference : references) {
            for (String target : reference.steps()) {
                if (!dependsOn.contains(target)) {
                    errors.add(new FieldError(at + "/payload" + reference.pointer() + "/$from", "dependency",
                            "step '" + id + "' refers to step '" + target + "', which is not in its dependsOn"));
                }
            }
        }
        List<FieldError> jobErrors = new ArrayList<>();
        Optional<JobSpec> spec = jobs.parseStep(job, references.isEmpty(), jobErrors);
        jobErrors.forEach(e -> errors.add(e.within(at)));
        if (spec.isEmpty() || errors.size() > errorsBefore) {
            return Optional.empty();
        }
        return Optional.of(new WorkflowDefinition.Step(id, spec.get(), dependsOn, !references.isEmpty()));
    }

    private static List<String> dependsOn(@Nullable JsonNode value, String at, String id,
            Map<String, Integer> positions, List<FieldError> errors) {
        if (value == null || value.isNull()) {
            return List.of();
        }
        if (!value.isArray()) {
            errors.add(new FieldError(at + "/dependsOn", "type", "must be an array of step ids"));
            return List.of();
        }
        Set<String> dependencies = new LinkedHashSet<>();
        for (int j = 0; j < value.size(); j++) {
            JsonNode dependency = value.get(j);
            String where = at + "/dependsOn/" + j;
            if (!dependency.isString()) {
                errors.add(new FieldError(where, "type", "must be a step id"));
            } else if (dependency.asString().equals(id)) {
                errors.add(new FieldError(where, "cycle", "step '" + id + "' depends on itself"));
            } else if (!positions.containsKey(dependency.asString())) {
                errors.add(new FieldError(where, "known", "step '" + id + "' depends on '" + dependency.asString()
                        + "', which is not a step of this workflow"));
            } else if (!dependencies.add(dependency.asString())) {
                errors.add(new FieldError(where, "unique", "step '" + id + "' names '" + dependency.asString()
                        + "' twice"));
            }
        }
        return List.copyOf(dependencies);
    }

    /** A cycle is named on the first step of it, by position, with the others it involves. */
    private static void cycle(List<WorkflowDefinition.Step> steps, Map<String, Integer> positions,
            List<FieldError> errors) {
        Set<String> unordered = StepGraph.stepsOnOrAfterACycle(steps);
        steps.stream().filter(step -> unordered.contains(step.id())).findFirst().ifPresent(step ->
                errors.add(new FieldError("/steps/" + positions.get(step.id()) + "/dependsOn", "cycle",
                        "step '" + step.id() + "' is on a dependency cycle with "
                                + String.join(", ", unordered.stream().sorted().toList()))));
    }
}
