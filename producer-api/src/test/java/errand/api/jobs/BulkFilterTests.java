package errand.api.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.time.Instant;
import java.util.UUID;

import errand.api.FieldError;
import errand.model.JobStatus;
import errand.model.WireJson;
import org.junit.jupiter.api.Test;

class BulkFilterTests {

    private static final Instant NOW = Instant.parse("2026-12-02T10:00:00Z");

    private static BulkFilter parse(String json) {
        return BulkFilter.parse(WireJson.mapper().readTree(json), NOW);
    }

    @Test
    void anEmptyFilterMatchesEverythingCreatedBeforeTheRequest() {
        assertThat(parse("{}")).isEqualTo(new BulkFilter(null, null, null, NOW));
    }

    @Test
    void everyFieldIsKept() {
        UUID batch = UUID.randomUUID();
        assertThat(parse("{\"status\":\"failed\",\"type\":\"echo\",\"batch\":\"" + batch
                + "\",\"createdBefore\":\"2026-12-01T00:00:00Z\"}"))
                .isEqualTo(new BulkFilter(JobStatus.FAILED, "echo", batch, Instant.parse("2026-12-01T00:00:00Z")));
    }

    @Test
    void everyBrokenFieldIsListed() {
        JobExceptions.InvalidJob refused = catchThrowableOfType(JobExceptions.InvalidJob.class, () -> parse(
                "{\"status\":\"DONE\",\"type\":\"\",\"batch\":\"b\",\"createdBefore\":\"today\",\"tenant\":\"x\"}"));

        assertThat(refused.errors()).extracting(FieldError::field)
                .containsExactly("/tenant", "/status", "/type", "/batch", "/createdBefore");
    }

    @Test
    void aBodyThatIsNoObjectIsRefused() {
        assertThat(catchThrowableOfType(JobExceptions.InvalidJob.class, () -> parse("[1]")).errors())
                .extracting(FieldError::rule).containsExactly("type");
    }
}
