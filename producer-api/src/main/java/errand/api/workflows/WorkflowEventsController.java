package errand.api.workflows;

import java.util.UUID;

import errand.api.Problems;
import errand.api.changes.JobChangeHub;
import errand.api.changes.SnapshotStream;
import errand.api.security.Caller;
import io.swagger.v3.oas.annotations.Operation;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

/**
 * {@code GET /api/v1/workflows/{id}/events}: the workflow at once, then again on every change of one of its steps,
 * as for a job; the stream closes after the workflow has ended.
 */
@RestController
class WorkflowEventsController {

    private final Workflows workflows;
    private final JobChangeHub changes;

    WorkflowEventsController(Workflows workflows, JobChangeHub changes) {
        this.workflows = workflows;
        this.changes = changes;
    }

    @Operation(summary = "Follow a workflow as server-sent events", description = "The workflow, then again on each "
            + "change of a step; the stream closes once it has ended.")
    @GetMapping(path = "/api/v1/workflows/{id}/events", produces = MediaType.TEXT_EVENT_STREAM_VALUE)
    SseEmitter events(@AuthenticationPrincipal Caller caller, @PathVariable String id) {
        UUID workflowId = WorkflowController.idOf(id);
        return SnapshotStream.open(changes, workflowId, "workflow " + workflowId, "workflow",
                () -> workflows.view(caller.tenant(), workflowId), WorkflowView::finished);
    }

    @ExceptionHandler
    ProblemDetail notFound(Workflows.WorkflowNotFound e) {
        return Problems.of(HttpStatus.NOT_FOUND, "workflow-not-found", "Workflow not found", e.getMessage());
    }
}
