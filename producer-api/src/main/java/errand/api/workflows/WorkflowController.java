package errand.api.workflows;

import java.net.URI;
import java.util.List;
import java.util.UUID;

import errand.api.Problems;
import errand.api.jobs.JobParameters;
import errand.api.security.Caller;
import io.swagger.v3.oas.annotations.Operation;
import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.JsonNode;

/**
 * {@code /api/v1/workflows}: submit a workflow of steps, read it (or wait until it ends), page them, and cancel one.
 * Every call acts within the caller's tenant.
 */
@RestController
@RequestMapping("/api/v1/workflows")
class WorkflowController {

    private final WorkflowParser parser;
    private final Workflows workflows;
    private final JobParameters parameters;

    WorkflowController(WorkflowParser parser, Workflows workflows, JobParameters parameters) {
        this.parser = parser;
        this.workflows = workflows;
        this.parameters = parameters;
    }

    record PageResponse(List<WorkflowView.Summary> workflows, @Nullable String next) {
    }

    @Operation(summary = "Submit a workflow", description = "Steps are jobs that run once the steps they dependsOn "
            + "succeeded; {\"$from\": \"a\"} in a payload stands for step a's result, {\"$from\": \"a\", \"at\": "
            + "\"/count\"} for a value in it, {\"$from\": [\"a\", \"b\"]} for an array of results. onFailure: "
            + "FAIL_FAST (default) or CONTINUE. Every rule broken is a 400 naming the step and field.")
    @PostMapping(consumes = MediaType.APPLICATION_JSON_VALUE)
    ResponseEntity<WorkflowView> submit(@AuthenticationPrincipal Caller caller, @RequestBody JsonNode request) {
        WorkflowView workflow = workflows.submit(caller.tenant(), parser.parse(request));
        return ResponseEntity.accepted().location(URI.create("/api/v1/workflows/" + workflow.id())).body(workflow);
    }

    @Operation(summary = "Read a workflow", description = "Its status and each step's; with ?wait=PT30S, answers "
            + "as soon as it has ended or when the wait ends.")
    @GetMapping("/{id}")
    WorkflowView get(@AuthenticationPrincipal Caller caller, @PathVariable String id,
            @RequestParam(required = false) @Nullable String wait) throws InterruptedException {
        UUID workflowId = idOf(id);
        return wait == null ? workflows.view(caller.tenant(), workflowId)
                : workflows.awaitFinished(caller.tenant(), workflowId, parameters.waitOf(wait));
    }

    @Operation(summary = "List workflows, newest first", description = "Pass the previous page's next as after.")
    @GetMapping
    PageResponse page(@AuthenticationPrincipal Caller caller,
            @RequestParam(required = false) @Nullable String limit,
            @RequestParam(required = false) @Nullable String after) {
        int size = parameters.limitOf(limit);
        List<WorkflowView.Summary> page = workflows.page(caller.tenant(), size,
                after == null ? null : parameters.idOf(after, "after"));
        return new PageResponse(page, page.size() == size ? page.getLast().id().toString() : null);
    }

    @Operation(summary = "Cancel a workflow", description = "Cancels every unfinished step (running ones are "
            + "interrupted) and ends the workflow CANCELLED; 409 once it has ended.")
    @PostMapping("/{id}/cancel")
    WorkflowView cancel(@AuthenticationPrincipal Caller caller, @PathVariable String id) {
        return workflows.cancel(caller.tenant(), idOf(id));
    }

    static UUID idOf(String id) {
        try {
            return UUID.fromString(id);
        } catch (IllegalArgumentException e) {
            throw new Workflows.WorkflowNotFound(id);
        }
    }

    @ExceptionHandler
    ProblemDetail notFound(Workflows.WorkflowNotFound e) {
        return Problems.of(HttpStatus.NOT_FOUND, "workflow-not-found", "Workflow not found", e.getMessage());
    }

    @ExceptionHandler
    ProblemDetail finished(Workflows.WorkflowFinished e) {
        return Problems.of(HttpStatus.CONFLICT, "workflow-finished", "Workflow already ended", e.getMessage());
    }
}
