package errand.api.batches;

import java.util.List;
import java.util.UUID;

import errand.api.Problems;
import errand.api.jobs.Job;
import errand.api.jobs.JobParameters;
import errand.api.jobs.JobResponse;
import errand.api.jobs.JobStore;
import errand.api.security.Caller;
import io.swagger.v3.oas.annotations.Operation;
import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code /api/v1/batches/{id}}: a batch submit as a whole. Every call acts within the caller's tenant: another
 * tenant's batch answers 404, as an unknown one does.
 */
@RestController
@RequestMapping("/api/v1/batches/{id}")
class BatchController {

    private final Batches batches;
    private final JobStore jobs;
    private final JobParameters parameters;

    BatchController(Batches batches, JobStore jobs, JobParameters parameters) {
        this.batches = batches;
        this.jobs = jobs;
        this.parameters = parameters;
    }

    record PageResponse(List<JobResponse> jobs, @Nullable String next) {
    }

    @Operation(summary = "Read a batch", description = "Its counts per status; DONE once every job is terminal. "
            + "With ?wait=PT30S, answers as soon as it is DONE or when the wait ends.")
    @GetMapping
    Batches.BatchView get(@AuthenticationPrincipal Caller caller, @PathVariable String id,
            @RequestParam(required = false) @Nullable String wait) throws InterruptedException {
        UUID batchId = idOf(id);
        return wait == null ? batches.view(caller.tenant(), batchId)
                : batches.awaitDone(caller.tenant(), batchId, parameters.waitOf(wait));
    }

    @Operation(summary = "Page a batch's jobs in submission order", description = "Each with its result or error; "
            + "filter by status; pass the previous page's next as after to read on.")
    @GetMapping("/jobs")
    PageResponse jobs(@AuthenticationPrincipal Caller caller, @PathVariable String id,
            @RequestParam(required = false) @Nullable String status,
            @RequestParam(required = false) @Nullable String limit,
            @RequestParam(required = false) @Nullable String after) {
        UUID batchId = idOf(id);
        int size = parameters.limitOf(limit);
        UUID cursor = after == null ? null : parameters.idOf(after, "after");
        batches.find(caller.tenant(), batchId);
        List<Job> page = jobs.pageOfBatch(batchId, parameters.statusOf(status), size, cursor);
        String next = page.size() == size ? page.getLast().id().toString() : null;
        return new PageResponse(page.stream().map(JobResponse::of).toList(), next);
    }

    @Operation(summary = "Cancel what is unfinished in a batch", description = "Answers the batch with its counts.")
    @PostMapping("/cancel")
    Batches.BatchView cancel(@AuthenticationPrincipal Caller caller, @PathVariable String id) {
        return batches.cancel(caller.tenant(), idOf(id));
    }

    @ExceptionHandler
    ProblemDetail notFound(Batches.BatchNotFound e) {
        return Problems.of(HttpStatus.NOT_FOUND, "batch-not-found", "Batch not found", e.getMessage());
    }

    static UUID idOf(String id) {
        try {
            return UUID.fromString(id);
        } catch (IllegalArgumentException e) {
            throw new Batches.BatchNotFound(id);
        }
    }
}
