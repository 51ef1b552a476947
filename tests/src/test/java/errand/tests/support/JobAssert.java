package errand.tests.support;

import java.util.Objects;

import errand.model.JobStatus;
import errand.tests.support.ErrandClient.Response;
import org.assertj.core.api.AbstractAssert;
import tools.jackson.databind.JsonNode;

/** Assertions on a job as the API shows it, and on problem answers. */
public final class JobAssert extends AbstractAssert<JobAssert, JsonNode> {

    private JobAssert(JsonNode job) {
        super(job, JobAssert.class);
    }

    public static JobAssert assertThatJob(JsonNode job) {
        return new JobAssert(job);
    }

    public static ProblemAssert assertThatProblem(Response response) {
        return new ProblemAssert(response);
    }

    public JobAssert hasStatus(JobStatus status) {
        isNotNull();
        String actualStatus = actual.path("status").asString("");
        if (!status.name().equals(actualStatus)) {
            failWithMessage("Expected job to be %s but was %s: %s", status, actualStatus, actual);
        }
        return this;
    }

    /** SUCCEEDED, with exactly this result, a start and a finish time. */
    public JobAssert succeededWith(JsonNode result) {
        hasStatus(JobStatus.SUCCEEDED);
        if (!Objects.equals(result, actual.get("result"))) {
            failWithMessage("Expected result %s but job was %s", result, actual);
        }
        return hasTimestamps("createdAt", "startedAt", "finishedAt");
    }

    public JobAssert hasAttempts(int attempts) {
        isNotNull();
        if (actual.path("attempts").asInt(-1) != attempts) {
            failWithMessage("Expected %s attempts but job was %s", attempts, actual);
        }
        return this;
    }

    public JobAssert hasType(String type) {
        isNotNull();
        if (!type.equals(actual.path("type").asString(""))) {
            failWithMessage("Expected type %s but job was %s", type, actual);
        }
        return this;
    }

    public JobAssert hasPayload(JsonNode payload) {
        isNotNull();
        if (!Objects.equals(payload, actual.get("payload"))) {
            failWithMessage("Expected payload %s but job was %s", payload, actual);
        }
        return this;
    }

    public JobAssert hasTimestamps(String... fields) {
        for (String field : fields) {
            JsonNode value = actual.get(field);
            if (value == null || value.isNull() || value.asString("").isBlank()) {
                failWithMessage("Expected %s to be set but job was %s", field, actual);
            }
            try {
                java.time.OffsetDateTime.parse(value.asString());
            } catch (java.time.format.DateTimeParseException e) {
                failWithMessage("Expected %s to be an ISO-8601 time but job was %s", field, actual);
            }
        }
        return this;
    }

    /** An {@code application/problem+json} answer (RFC 9457). */
    public static final class ProblemAssert extends AbstractAssert<ProblemAssert, Response> {

        private ProblemAssert(Response response) {
            super(response, ProblemAssert.class);
        }

        /** The status code, the problem content type, and a body whose {@code status} repeats it. */
        public ProblemAssert isProblem(int status) {
            isNotNull();
            if (actual.status() != status) {
                failWithMessage("Expected a %s problem but got %s", status, actual);
            }
            return isProblemDocument();
        }

        private ProblemAssert isProblemDocument() {
            if (!actual.contentType().startsWith("application/problem+json")) {
                failWithMessage("Expected content type application/problem+json but got %s", actual);
            }
            JsonNode problem;
            try {
                problem = actual.json();
            } catch (RuntimeException e) {
                failWithMessage("Expected a JSON problem body but got %s", actual);
                return this;
            }
            if (problem.path("status").asInt(-1) != actual.status()) {
                failWithMessage("Expected the problem's status to repeat %s but got %s", actual.status(), actual);
            }
            if (problem.path("title").asString("").isBlank()) {
                failWithMessage("Expected the problem to have a title but got %s", actual);
            }
            if (problem.path("detail").asString("").isBlank()) {
                failWithMessage("Expected the problem to have a detail but got %s", actual);
            }
            return this;
        }

        /**
         * The problem's {@code errors} (as the README shows them: {@code field}, a JSON pointer, {@code rule} and
         * {@code message}) hold one for {@code field} breaking {@code rule}, and the {@code detail} names the field.
         */
        public ProblemAssert hasErrorOn(String field, String rule) {
            isNotNull();
            JsonNode errors = actual.json().path("errors");
            boolean found = false;
            for (JsonNode error : errors) {
                found |= field.equals(error.path("field").asString(null)) && rule.equals(error.path("rule")
                        .asString(null))
                        && !error.path("message").asString("").isBlank();
            }
            if (!found) {
                failWithMessage("Expected the problem's errors to name field '%s' breaking rule '%s' but got %s",
                        field, rule, actual);
            }
            return detailMentions(field);
        }

        /** The {@code detail} names {@code text}, such as the offending field. */
        public ProblemAssert detailMentions(String text) {
            isNotNull();
            if (text.isBlank()) {
                throw new IllegalArgumentException("a detail always mentions nothing: name what it must mention");
            }
            String detail = actual.json().path("detail").asString("");
            if (!detail.contains(text)) {
                failWithMessage("Expected the problem detail to mention '%s' but got %s", text, actual);
            }
            return this;
        }
    }
}
