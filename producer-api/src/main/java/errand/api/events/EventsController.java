package errand.api.events;

import java.util.List;
import java.util.Locale;

import errand.api.FieldError;
import errand.api.InvalidRequest;
import errand.api.changes.JobChangeHub;
import errand.api.jobs.JobParameters;
import errand.api.security.Caller;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.enums.ParameterIn;
import org.jspecify.annotations.Nullable;
import org.springframework.http.MediaType;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

/**
 * {@code GET /api/v1/events}: the calling tenant's job changes as server-sent events, from now on or, with
 * {@code Last-Event-ID}, from after that event. Each stream runs on its own virtual thread, woken when the sequencer
 * numbered new events.
 */
@RestController
class EventsController {

    private static final long NO_TIMEOUT = 0L;

    private final EventLog log;
    private final JobChangeHub changes;
    private final JobParameters parameters;
    private final EventsProperties properties;

    EventsController(EventLog log, JobChangeHub changes, JobParameters parameters, EventsProperties properties) {
        this.log = log;
        this.changes = changes;
        this.parameters = parameters;
        this.properties = properties;
    }

    @Operation(summary = "Follow every change to your jobs as server-sent events", description = "One job event "
            + "per status change, with the job's id, type, status, batch, workflow and attempt, and its result or "
            + "error once terminal. Filter by type, batch, workflow and terminal=true. Event ids increase strictly: "
            + "reconnect with Last-Event-ID to get every later event exactly once, from any API instance. An id "
            + "older than errand.api.events.retention gets a reset event first: read the state from the lists. A "
            + "comment every 15 s keeps proxies from closing a quiet stream.")
    @Parameter(in = ParameterIn.HEADER, name = "Last-Event-ID", description = "The id of the last event seen")
    @GetMapping(path = "/api/v1/events", produces = MediaType.TEXT_EVENT_STREAM_VALUE)
    SseEmitter events(@AuthenticationPrincipal Caller caller,
            @RequestHeader(name = "Last-Event-ID", required = false) @Nullable String lastEventId,
            @RequestParam(required = false) @Nullable String type,
            @RequestParam(required = false) @Nullable String batch,
            @RequestParam(required = false) @Nullable String workflow,
            @RequestParam(required = false) @Nullable String terminal) {
        EventFilter filter = new EventFilter(typeOf(type), batch == null ? null : parameters.idOf(batch, "batch"),
                workflow == null ? null : parameters.idOf(workflow, "workflow"), terminalOf(terminal));
        Long lastSeen = lastSeenOf(lastEventId);
        // subscribed before the horizon is read, so events numbered in between wake the stream
        JobChangeHub.Subscription subscription = changes.subscribe(JobChangeHub.EVENTS_SEQUENCED);
        SseEmitter emitter = new SseEmitter(NO_TIMEOUT);
        try {
            // without Last-Event-ID, the stream starts now: before the answer, so a change made after it is sent
            long from = lastSeen != null ? lastSeen : log.horizon().lastSeq();
            new OutcomeStream(caller.tenant(), filter, from, log, properties, subscription, emitter).start();
        } catch (RuntimeException e) {
            subscription.close();
            throw e;
        }
        return emitter;
    }

    private static @Nullable String typeOf(@Nullable String type) {
        if (type != null && type.isBlank()) {
            throw invalid("?type", "required", "must name a task type");
        }
        return type;
    }

    private static boolean terminalOf(@Nullable String terminal) {
        if (terminal == null) {
            return false;
        }
        return switch (terminal.toLowerCase(Locale.ROOT)) {
            case "true" -> true;
            case "false" -> false;
            default -> throw invalid("?terminal", "boolean", "'" + terminal + "' is neither true nor false");
        };
    }

    /** The number in a {@code Last-Event-ID} header: an id this API sent, a whole number from 0. */
    static @Nullable Long lastSeenOf(@Nullable String lastEventId) {
        if (lastEventId == null) {
            return null;
        }
        try {
            long seen = Long.parseLong(lastEventId.strip());
            if (seen >= 0) {
                return seen;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw invalid("Last-Event-ID", "event-id", "'" + lastEventId + "' is not an event id this API sent: "
                + "those are whole numbers from 0");
    }

    private static InvalidRequest invalid(String field, String rule, String message) {
        return new InvalidRequest(List.of(new FieldError(field, rule, message)));
    }
}
