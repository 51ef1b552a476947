package errand.api.batches;

import java.util.List;

import errand.api.jobs.JobParameters;
import errand.api.security.Caller;
import io.swagger.v3.oas.annotations.Operation;
import org.jspecify.annotations.Nullable;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** {@code GET /api/v1/batches}: the caller's tenant's batches, newest first, each as {@code /{id}} answers it. */
@RestController
class BatchListController {

    private final Batches batches;
    private final JobParameters parameters;

    BatchListController(Batches batches, JobParameters parameters) {
        this.batches = batches;
        this.parameters = parameters;
    }

    record PageResponse(List<Batches.BatchView> batches, @Nullable String next) {
    }

    @Operation(summary = "List batches, newest first", description = "Each with its counts and status; pass the "
            + "previous page's next as after to read on.")
    @GetMapping("/api/v1/batches")
    PageResponse page(@AuthenticationPrincipal Caller caller,
            @RequestParam(required = false) @Nullable String limit,
            @RequestParam(required = false) @Nullable String after) {
        int size = parameters.limitOf(limit);
        List<Batches.BatchView> page = batches.page(caller.tenant(), size,
                after == null ? null : parameters.idOf(after, "after"));
        return new PageResponse(page, page.size() == size ? page.getLast().id().toString() : null);
    }
}
