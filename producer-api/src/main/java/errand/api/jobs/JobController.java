package errand.api.jobs;

import java.net.URI;
import java.util.List;
import java.util.UUID;

import errand.api.security.Caller;
import errand.model.StorableJson;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.ExampleObject;
import org.jspecify.annotations.Nullable;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.JsonNode;

/**
 * The jobs API of the HTTP contract. Every call acts within the tenant of the caller's key: another tenant's job
 * answers 404. Request threads are virtual, so a long-poll holds no platform thread.
 */
@RestController
@RequestMapping("/api/v1/jobs")
class JobController {

    private final JobService jobs;
    private final JobSubmission submissions;
    private final JobParameters parameters;

    JobController(JobService jobs, JobSubmission submissions, JobParameters parameters) {
        this.jobs = jobs;
        this.submissions = submissions;
        this.parameters = parameters;
    }

    record BatchResponse(UUID batchId, List<JobResponse> jobs) {
    }

    record PageResponse(List<JobResponse> jobs, @Nullable String next) {
    }

    @Operation(summary = "Submit a job", description = "Validates the job against its type's schema, stores it and "
            + "answers 202 at once; the job runs on a worker. The same Idempotency-Key with the same body returns the "
            + "same job; with another body, 409. A W3C traceparent header makes the job part of the caller's trace.",
            requestBody = @io.swagger.v3.oas.annotations.parameters.RequestBody(
                    content = @Content(examples = {
                        @ExampleObject(name = "prime-count",
                                value = "{\"type\":\"prime-count\",\"payload\":{\"upTo\":100000}}"),
                        @ExampleObject(name = "sleep with options", value = "{\"type\":\"sleep\",\"payload\":"
                                + "{\"millis\":1500},\"timeout\":\"PT10S\",\"maxAttempts\":2,"
                                + "\"delay\":\"PT5S\"}")})))
    @PostMapping(consumes = MediaType.APPLICATION_JSON_VALUE)
    ResponseEntity<JobResponse> submit(@AuthenticationPrincipal Caller caller, @RequestBody JsonNode request,
            @RequestHeader(name = "Idempotency-Key", required = false) @Nullable String idempotencyKey) {
        JobSubmission.Submitted submitted = submissions.submit(caller.tenant(), request, idempotencyKey);
        return ResponseEntity.accepted().location(location(submitted.job().id())).body(JobResponse.of(submitted.job()));
    }

    @Operation(summary = "Submit up to 1000 jobs at once", description = "All or nothing: one invalid job rejects "
            + "the batch, naming it by index (/jobs/3/payload/upTo). The answer lists the jobs in request order.",
            requestBody = @io.swagger.v3.oas.annotations.parameters.RequestBody(content = @Content(examples =
                    @ExampleObject(value = "{\"jobs\":[{\"type\":\"echo\",\"payload\":{\"n\":1}},"
                            + "{\"type\":\"echo\",\"payload\":{\"n\":2}}]}"))))
    @PostMapping(path = "/batch", consumes = MediaType.APPLICATION_JSON_VALUE)
    ResponseEntity<BatchResponse> submitBatch(@AuthenticationPrincipal Caller caller, @RequestBody JsonNode request) {
        JobSubmission.SubmittedBatch batch = submissions.submitBatch(caller.tenant(), request);
        return ResponseEntity.accepted().location(URI.create("/api/v1/batches/" + batch.batchId()))
                .body(new BatchResponse(batch.batchId(), batch.jobs().stream().map(JobResponse::of).toList()));
    }

    @Operation(summary = "Read a job", description = "With ?wait=PT30S, answers as soon as the job is terminal "
            + "(SUCCEEDED, FAILED, CANCELLED) or when the wait ends, whichever comes first.")
    @GetMapping("/{id}")
    JobResponse get(@AuthenticationPrincipal Caller caller, @PathVariable String id,
            @RequestParam(required = false) @Nullable String wait)
            throws InterruptedException {
        UUID jobId = JobIds.parse(id);
        Job job = wait == null ? jobs.get(caller.tenant(), jobId)
                : jobs.awaitTerminal(caller.tenant(), jobId, parameters.waitOf(wait));
        return JobResponse.of(job, jobs.attemptsOf(jobId));
    }

    @Operation(summary = "List jobs, newest first", description = "Filter by status, type, batch, schedule, "
            + "workflow and creation time (createdAfter inclusive, createdBefore exclusive, ISO-8601 instants); pass "
            + "the previous page's next as after to read on.")
    @GetMapping
    PageResponse page(@AuthenticationPrincipal Caller caller, @RequestParam(required = false) @Nullable String status,
            @RequestParam(required = false) @Nullable String type,
            @RequestParam(required = false) @Nullable String batch,
            @RequestParam(required = false) @Nullable String schedule,
            @RequestParam(required = false) @Nullable String workflow,
            @RequestParam(required = false) @Nullable String createdAfter,
            @RequestParam(required = false) @Nullable String createdBefore,
            @RequestParam(required = false) @Nullable String limit,
            @RequestParam(required = false) @Nullable String after) {
        int size = parameters.limitOf(limit);
        UUID cursor = after == null ? null : parameters.idOf(after, "after");
        if (type != null && !StorableJson.readable(type).equals(type)) {
            // no task type holds one, and PostgreSQL would refuse the query over it with an error, not an empty page
            throw JobParameters.invalidParameter("type", "nul-character", "holds a NUL character or a lone surrogate");
        }
        List<Job> page = jobs.page(new JobQuery(caller.tenant(), parameters.statusOf(status), type,
                batch == null ? null : parameters.idOf(batch, "batch"),
                schedule == null ? null : parameters.idOf(schedule, "schedule"),
                workflow == null ? null : parameters.idOf(workflow, "workflow"),
                createdAfter == null ? null : parameters.instantOf(createdAfter, "createdAfter"),
                createdBefore == null ? null : parameters.instantOf(createdBefore, "createdBefore"), size, cursor));
        String next = page.size() == size ? page.getLast().id().toString() : null;
        return new PageResponse(page.stream().map(JobResponse::of).toList(), next);
    }

    @Operation(summary = "Cancel a job", description = "A queued or retrying job is cancelled at once; a running one "
            + "is cancelled and its worker interrupts it. 409 once the job is terminal.")
    @PostMapping("/{id}/cancel")
    ResponseEntity<JobResponse> cancel(@AuthenticationPrincipal Caller caller, @PathVariable String id) {
        return ResponseEntity.accepted().body(JobResponse.of(jobs.cancel(caller.tenant(), JobIds.parse(id))));
    }

    @Operation(summary = "Replay a FAILED or CANCELLED job as a new attempt", description = "409 otherwise.")
    @PostMapping("/{id}/retry")
    ResponseEntity<JobResponse> retry(@AuthenticationPrincipal Caller caller, @PathVariable String id) {
        Job job = jobs.retry(caller.tenant(), JobIds.parse(id));
        return ResponseEntity.accepted().location(location(job.id())).body(JobResponse.of(job));
    }

    private static URI location(UUID id) {
        return URI.create("/api/v1/jobs/" + id);
    }
}
