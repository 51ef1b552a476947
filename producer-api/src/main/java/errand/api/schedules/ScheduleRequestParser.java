package errand.api.schedules;

import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import errand.api.FieldError;
import errand.api.InvalidRequest;
import errand.api.jobs.JobTemplate;
import errand.api.jobs.ScheduledJobs;
import errand.api.schedules.Schedule.ScheduleSpec;
import errand.model.StorableJson;
import org.jspecify.annotations.Nullable;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;

/**
 * Turns the body of a create or a replace into a {@link ScheduleSpec}, or into a 400 listing every rule it breaks,
 * each naming its field: the cron (invalid, or never firing), the zone, the enums, and the job, checked by the
 * submit's rules (known type, the type's payload schema, timeout and attempts).
 */
@Component
class ScheduleRequestParser {

    private static final Set<String> FIELDS = Set.of("name", "cron", "timeZone", "job", "overlap", "missed", "paused");
    private static final int MAX_NAME_LENGTH = 200;
    private static final ZoneId UTC = ZoneId.of("UTC");

    private final ScheduledJobs jobs;

    ScheduleRequestParser(ScheduledJobs jobs) {
        this.jobs = jobs;
    }

    ScheduleSpec parse(String tenant, JsonNode request, Instant now) {
        List<FieldError> errors = new ArrayList<>();
        if (!request.isObject()) {
            throw new InvalidRequest(List.of(new FieldError("", "type", "a schedule must be a JSON object")));
        }
        List<StorableJson.Problem> unstorable = StorableJson.problems(request);
        if (!unstorable.isEmpty()) {
            throw new InvalidRequest(unstorable.stream().map(p -> new FieldError(p.pointer(), p.rule(), p.message()))
                    .toList());
        }
        for (String name : request.propertyNames()) {
            if (!FIELDS.contains(name)) {
                errors.add(new FieldError("/" + name, "unknown", "is not a field of a schedule; known fields: "
                        + String.join(", ", FIELDS.stream().sorted().toList())));
            }
        }
        String name = name(request.get("name"), errors);
        ZoneId zone = zone(request.get("timeZone"), errors);
        String cron = cron(request.get("cron"), zone == null ? UTC : zone, now, errors);
        Optional<JobTemplate> job = job(tenant, request.get("job"), errors);
        Schedule.Overlap overlap = enumOf(Schedule.Overlap.class, request.get("overlap"), "/overlap",
                Schedule.Overlap.SKIP, errors);
        Schedule.Missed missed = enumOf(Schedule.Missed.class, request.get("missed"), "/missed",
                Schedule.Missed.LATEST, errors);
        boolean paused = paused(request.get("paused"), errors);
        if (!errors.isEmpty() || name == null || zone == null || cron == null || job.isEmpty() || overlap == null
                || missed == null) {
            throw new InvalidRequest(errors);
        }
        return new ScheduleSpec(name, cron, zone, job.get(), overlap, missed, paused);
    }

    private static @Nullable String name(@Nullable JsonNode node, List<FieldError> errors) {
        if (node == null || node.isNull()) {
            errors.add(new FieldError("/name", "required", "is required (a name for people)"));
            return null;
        }
        if (!node.isString() || node.asString().isBlank() || node.asString().length() > MAX_NAME_LENGTH) {
            errors.add(new FieldError("/name", "type", "must be a string of 1 to " + MAX_NAME_LENGTH + " characters"));
            return null;
        }
        return node.asString();
    }

    private static @Nullable ZoneId zone(@Nullable JsonNode node, List<FieldError> errors) {
        if (node == null || node.isNull()) {
            return UTC;
        }
        // IANA names only: ZoneId.of would also take offsets such as +02:00, which know nothing of daylight saving
        if (!node.isString() || !ZoneId.getAvailableZoneIds().contains(node.asString())) {
            errors.add(new FieldError("/timeZone", "zone", "'" + node.asString("")
                    + "' is not an IANA time zone such as Europe/Paris or UTC"));
            return null;
        }
        return ZoneId.of(node.asString());
    }

    private static @Nullable String cron(@Nullable JsonNode node, ZoneId zone, Instant now,
            List<FieldError> errors) {
        if (node == null || node.isNull()) {
            errors.add(new FieldError("/cron", "required", "is required, such as \"*/5 * * * *\" or @daily"));
            return null;
        }
        if (!node.isString()) {
            errors.add(new FieldError("/cron", "type", "must be a string, such as \"*/5 * * * *\" or @daily"));
            return null;
        }
        try {
            if (!Cron.parse(node.asString()).firesAfter(now, zone)) {
                errors.add(new FieldError("/cron", "fires", "'" + node.asString() + "' never fires"));
                return null;
            }
            return node.asString().strip();
        } catch (Cron.Invalid e) {
            errors.add(new FieldError("/cron", "cron", e.getMessage()));
            return null;
        }
    }

    private Optional<JobTemplate> job(String tenant, @Nullable JsonNode node, List<FieldError> errors) {
        if (node == null || node.isNull()) {
            errors.add(new FieldError("/job", "required", "is required: the job to enqueue, {\"type\", \"payload\"}"));
            return Optional.empty();
        }
        List<FieldError> jobErrors = new ArrayList<>();
        Optional<JobTemplate> template = jobs.template(tenant, node, jobErrors);
        jobErrors.forEach(e -> errors.add(e.within("/job")));
        return template;
    }

    private static <E extends Enum<E>> @Nullable E enumOf(Class<E> type, @Nullable JsonNode node, String field,
            E byDefault, List<FieldError> errors) {
        if (node == null || node.isNull()) {
            return byDefault;
        }
        E[] constants = type.getEnumConstants();
        for (E constant : constants) {
            if (node.isString() && constant.name().equals(node.asString())) {
                return constant;
            }
        }
        errors.add(new FieldError(field, "enum", "must be one of " + Arrays.toString(constants)));
        return null;
    }

    private static boolean paused(@Nullable JsonNode node, List<FieldError> errors) {
        if (node == null || node.isNull()) {
            return false;
        }
        if (!node.isBoolean()) {
            errors.add(new FieldError("/paused", "type", "must be true or false"));
            return false;
        }
        return node.asBoolean();
    }
}
