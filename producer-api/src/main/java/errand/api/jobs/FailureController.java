package errand.api.jobs;

import java.util.List;

import errand.api.security.Caller;
import errand.model.StorableJson;
import io.swagger.v3.oas.annotations.Operation;
import org.jspecify.annotations.Nullable;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code GET /api/v1/jobs/failures}: the tenant's newest FAILED jobs (dead-lettered ones included) grouped by type and
 * error. It reads a bounded number of the newest, so it stays cheap however many failed; the exact number of failed
 * jobs per type is in {@code GET /api/v1/stats}.
 */
@RestController
class FailureController {

    private static final int DEFAULT_SCAN = 1000;
    private static final int MAX_SCAN = 10_000;

    private final JobStore store;

    FailureController(JobStore store) {
        this.store = store;
    }

    /**
     * @param scanned  how many failed jobs the groups hold
     * @param complete true when that is every failed job (of the type), false when older ones were not read
     */
    record Failures(List<FailureGroup> groups, long scanned, boolean complete) {
    }

    @Operation(summary = "Failed jobs grouped by type and error", description = "Reads the newest failed jobs (scan, "
            + "default 1000, at most 10000), of one type if given; biggest group first.")
    @GetMapping("/api/v1/jobs/failures")
    Failures failures(@AuthenticationPrincipal Caller caller, @RequestParam(required = false) @Nullable String type,
            @RequestParam(required = false) @Nullable String scan) {
        int limit = scanOf(scan);
        if (type != null && !StorableJson.readable(type).equals(type)) {
            throw JobParameters.invalidParameter("type", "nul-character", "holds a NUL character or a lone surrogate");
        }
        List<FailureGroup> groups = store.failureGroups(caller.tenant(), type, limit);
        long scanned = groups.stream().mapToLong(FailureGroup::jobs).sum();
        return new Failures(groups, scanned, scanned < limit);
    }

    private static int scanOf(@Nullable String scan) {
        if (scan == null) {
            return DEFAULT_SCAN;
        }
        try {
            int value = Integer.parseInt(scan);
            if (value >= 1 && value <= MAX_SCAN) {
                return value;
            }
        } catch (NumberFormatException e) {
            // reported below, with the range
        }
        throw JobParameters.invalidParameter("scan", "range", "must be a whole number from 1 to " + MAX_SCAN);
    }
}
