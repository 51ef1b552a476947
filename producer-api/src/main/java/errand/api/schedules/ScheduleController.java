package errand.api.schedules;

import java.net.URI;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.UUID;

import errand.api.FieldError;
import errand.api.InvalidRequest;
import errand.api.Problems;
import errand.api.jobs.JobParameters;
import errand.api.jobs.JobResponse;
import errand.api.jobs.JobStore;
import errand.api.security.Caller;
import errand.model.JobStatus;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.ExampleObject;
import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.JsonNode;

/**
 * {@code /api/v1/schedules}: cron schedules, each enqueuing one job per fire time. Every call needs the
 * {@code schedules} scope and acts within the caller's tenant: another tenant's schedule answers 404, as an unknown
 * one does.
 */
@RestController
@RequestMapping("/api/v1/schedules")
class ScheduleController {

    private static final String EXAMPLE = "{\"name\":\"nightly count\",\"cron\":\"30 2 * * *\","
            + "\"timeZone\":\"Europe/Paris\",\"job\":{\"type\":\"prime-count\",\"payload\":{\"upTo\":100000}},"
            + "\"overlap\":\"SKIP\",\"missed\":\"LATEST\"}";

    private final Schedules schedules;
    private final JobParameters parameters;
    private final JobStore jobs;

    ScheduleController(Schedules schedules, JobParameters parameters, JobStore jobs) {
        this.schedules = schedules;
        this.parameters = parameters;
        this.jobs = jobs;
    }

    /** A schedule as the API shows it; {@code job} has the type's defaults filled in. */
    record ScheduleResponse(UUID id, String name, String cron, String timeZone, JsonNode job,
            Schedule.Overlap overlap, Schedule.Missed missed, boolean paused, Instant nextFireAt, Instant createdAt,
            Instant updatedAt) {

        static ScheduleResponse of(Schedule schedule) {
            Schedule.ScheduleSpec spec = schedule.spec();
            return new ScheduleResponse(schedule.id(), spec.name(), spec.cron(), spec.timeZone().getId(),
                    ScheduleStore.jobJson(spec.job()), spec.overlap(), spec.missed(), spec.paused(),
                    schedule.nextFireAt(), schedule.createdAt(), schedule.updatedAt());
        }
    }

    record PageResponse(List<ScheduleResponse> schedules, @Nullable String next) {
    }

    /** A fire time: its outcome, and for ENQUEUED the job and its status (null once retention deleted it). */
    record RunResponse(Instant scheduledFor, Schedule.Outcome outcome, @Nullable UUID jobId,
            @Nullable JobStatus status, boolean triggered) {
    }

    record RunPageResponse(List<RunResponse> runs, @Nullable String next) {
    }

    @Operation(summary = "Create a schedule", description = "cron: 5 fields (minute hour day-of-month month "
            + "day-of-week), 6 with seconds first, or @hourly, @daily, @weekly, @monthly, @yearly; timeZone: an IANA "
            + "zone (default UTC); job: checked like a submit; overlap SKIP (default) or ALLOW; missed LATEST "
            + "(default) or NONE. Answers 201 with the schedule and its nextFireAt.",
            requestBody = @io.swagger.v3.oas.annotations.parameters.RequestBody(content = @Content(examples =
                    @ExampleObject(value = EXAMPLE))))
    @PostMapping(consumes = MediaType.APPLICATION_JSON_VALUE)
    ResponseEntity<ScheduleResponse> create(@AuthenticationPrincipal Caller caller, @RequestBody JsonNode request) {
        Schedule schedule = schedules.create(caller.tenant(), request);
        return ResponseEntity.created(URI.create("/api/v1/schedules/" + schedule.id()))
                .body(ScheduleResponse.of(schedule));
    }

    @Operation(summary = "List schedules, newest first", description = "Pass the previous page's next as after to "
            + "read on.")
    @GetMapping
    PageResponse page(@AuthenticationPrincipal Caller caller, @RequestParam(required = false) @Nullable String limit,
            @RequestParam(required = false) @Nullable String after) {
        int size = parameters.limitOf(limit);
        List<Schedule> page = schedules.page(caller.tenant(), size,
                after == null ? null : parameters.idOf(after, "after"));
        String next = page.size() == size ? page.getLast().id().toString() : null;
        return new PageResponse(page.stream().map(ScheduleResponse::of).toList(), next);
    }

    @Operation(summary = "Read a schedule")
    @GetMapping("/{id}")
    ScheduleResponse get(@AuthenticationPrincipal Caller caller, @PathVariable String id) {
        return ScheduleResponse.of(schedules.get(caller.tenant(), idOf(id)));
    }

    @Operation(summary = "Replace a schedule", description = "The same body as a create; the plan starts again from "
            + "now.", requestBody = @io.swagger.v3.oas.annotations.parameters.RequestBody(content = @Content(examples =
                    @ExampleObject(value = EXAMPLE))))
    @PutMapping(path = "/{id}", consumes = MediaType.APPLICATION_JSON_VALUE)
    ScheduleResponse replace(@AuthenticationPrincipal Caller caller, @PathVariable String id,
            @RequestBody JsonNode request) {
        return ScheduleResponse.of(schedules.replace(caller.tenant(), idOf(id), request));
    }

    @Operation(summary = "Delete a schedule", description = "From its next fire time on; its jobs stay.")
    @DeleteMapping("/{id}")
    ResponseEntity<Void> delete(@AuthenticationPrincipal Caller caller, @PathVariable String id) {
        schedules.delete(caller.tenant(), idOf(id));
        return ResponseEntity.noContent().build();
    }

    @Operation(summary = "Pause a schedule", description = "Its fire times are recorded as SKIPPED_PAUSED.")
    @PostMapping("/{id}/pause")
    ScheduleResponse pause(@AuthenticationPrincipal Caller caller, @PathVariable String id) {
        return ScheduleResponse.of(schedules.setPaused(caller.tenant(), idOf(id), true));
    }

    @Operation(summary = "Resume a paused schedule", description = "It fires again from its next fire time.")
    @PostMapping("/{id}/resume")
    ScheduleResponse resume(@AuthenticationPrincipal Caller caller, @PathVariable String id) {
        return ScheduleResponse.of(schedules.setPaused(caller.tenant(), idOf(id), false));
    }

    @Operation(summary = "Enqueue the schedule's job now", description = "Besides the plan, paused or not; answers "
            + "202 with the job.")
    @PostMapping("/{id}/trigger")
    ResponseEntity<JobResponse> trigger(@AuthenticationPrincipal Caller caller, @PathVariable String id) {
        UUID jobId = schedules.trigger(caller.tenant(), idOf(id));
        return ResponseEntity.accepted().location(URI.create("/api/v1/jobs/" + jobId))
                .body(JobResponse.of(jobs.find(jobId).orElseThrow()));
    }

    @Operation(summary = "Page a schedule's fire times, newest first", description = "Each with its outcome "
            + "(ENQUEUED, SKIPPED_OVERLAP, SKIPPED_MISSED, SKIPPED_PAUSED) and, when enqueued, its job and the job's "
            + "status; pass the previous page's next as after to read on.")
    @GetMapping("/{id}/runs")
    RunPageResponse runs(@AuthenticationPrincipal Caller caller, @PathVariable String id,
            @RequestParam(required = false) @Nullable String limit,
            @RequestParam(required = false) @Nullable String after) {
        int size = parameters.limitOf(limit);
        List<ScheduleStore.Run> page = schedules.runs(caller.tenant(), idOf(id), size, instantOf(after));
        String next = page.size() == size ? page.getLast().scheduledFor().toString() : null;
        return new RunPageResponse(page.stream().map(run -> new RunResponse(run.scheduledFor(), run.outcome(),
                run.jobId(), run.status(), run.triggered())).toList(), next);
    }

    @ExceptionHandler
    ProblemDetail notFound(Schedules.ScheduleNotFound e) {
        return Problems.of(HttpStatus.NOT_FOUND, "schedule-not-found", "Schedule not found", e.getMessage());
    }

    private static UUID idOf(String id) {
        try {
            return UUID.fromString(id);
        } catch (IllegalArgumentException e) {
            throw new Schedules.ScheduleNotFound(id);
        }
    }

    private static @Nullable Instant instantOf(@Nullable String after) {
        if (after == null) {
            return null;
        }
        try {
            return Instant.parse(after);
        } catch (DateTimeParseException e) {
            throw new InvalidRequest(List.of(new FieldError("?after", "instant",
                    "'" + after + "' is not a fire time such as 2026-01-01T00:00:00Z (a page's next)")));
        }
    }
}
