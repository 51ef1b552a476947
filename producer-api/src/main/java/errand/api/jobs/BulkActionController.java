package errand.api.jobs;

import java.time.Instant;

import errand.api.security.Caller;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.ExampleObject;
import org.springframework.http.MediaType;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.JsonNode;

/** {@code POST /api/v1/jobs/retry} and {@code /cancel}: one action on every job of the tenant a filter matches. */
@RestController
@RequestMapping("/api/v1/jobs")
class BulkActionController {

    private final BulkActions actions;

    BulkActionController(BulkActions actions) {
        this.actions = actions;
    }

    @Operation(summary = "Retry every matching FAILED job", description = "Filter fields, all optional: status "
            + "(FAILED, the default, or CANCELLED), type, batch, createdBefore (an instant; default now). Works in "
            + "chunks, oldest first; idempotent. Answers how many jobs matched and how many this call retried.",
            requestBody = @io.swagger.v3.oas.annotations.parameters.RequestBody(content = @Content(examples =
                    @ExampleObject(value = "{\"status\":\"FAILED\",\"type\":\"fail\"}"))))
    @PostMapping(path = "/retry", consumes = MediaType.APPLICATION_JSON_VALUE)
    BulkActions.Outcome retry(@AuthenticationPrincipal Caller caller, @RequestBody JsonNode filter) {
        return actions.retry(caller, BulkFilter.parse(filter, Instant.now()));
    }

    @Operation(summary = "Cancel every matching unfinished job", description = "Filter fields, all optional: status "
            + "(QUEUED, RUNNING or RETRYING; default all three), type, batch, createdBefore (an instant; default "
            + "now). Works in chunks; idempotent. Answers how many jobs matched and how many this call cancelled.",
            requestBody = @io.swagger.v3.oas.annotations.parameters.RequestBody(content = @Content(examples =
                    @ExampleObject(value = "{\"type\":\"sleep\"}"))))
    @PostMapping(path = "/cancel", consumes = MediaType.APPLICATION_JSON_VALUE)
    BulkActions.Outcome cancel(@AuthenticationPrincipal Caller caller, @RequestBody JsonNode filter) {
        return actions.cancel(caller, BulkFilter.parse(filter, Instant.now()));
    }
}
