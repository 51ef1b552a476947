package errand.api.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

import errand.model.JobStatus;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.http.MediaType;
import org.springframework.mock.http.MockHttpOutputMessage;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

class JobResponseConverterTests {

    private final ApplicationContextRunner context = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(JacksonAutoConfiguration.class));

    @Test
    void writesASubmittedJobAsTheJacksonMappingDoes() {
        assertWrittenAsTheMappingDoes(aSubmittedJob());
    }

    @Test
    void writesAFinishedJobWithItsAttemptHistoryAsTheJacksonMappingDoes() {
        assertWrittenAsTheMappingDoes(aFinishedJobWithHistory());
    }

    @Test
    void writesStringsThatNeedEscapingAndExactNumbersAsTheJacksonMappingDoes() {
        context.run(app -> {
            JsonMapper mapper = app.getBean(JsonMapper.class);
            JsonNode payload = mapper.readTree("{\"text\":\"quote \\\" slash \\\\ tab \\t \\u0001 é 😀 <\","
                    + "\"big\":123456789012345678901234567890,\"exact\":0.10000000000000000000001,\"e\":1e400,"
                    + "\"list\":[true,null,-0.0,{}]}");
            JobResponse job = new JobResponse(UUID.randomUUID(), "type \"quoted\"", JobStatus.FAILED, payload,
                    null, payload, 2, payload, Instant.ofEpochSecond(0), null, null, 3, "PT0.001S", null, null,
                    null, null, null, "step/ü", null);

            assertThat(written(mapper, job)).isEqualTo(mapper.writeValueAsString(job));
        });
    }

    @Test
    void answersWithTheLengthOfTheBody() throws IOException {
        JsonMapper mapper = JsonMapper.builder().build();
        MockHttpOutputMessage output = new MockHttpOutputMessage();

        new JobResponseConverter(mapper).write(aSubmittedJob(), MediaType.APPLICATION_JSON, output);

        assertThat(output.getHeaders().getContentLength()).isEqualTo(output.getBodyAsBytes().length);
        assertThat(output.getHeaders().getContentType()).isEqualTo(MediaType.APPLICATION_JSON);
    }

    @Test
    void writesOnlyJobsAndReadsNothing() {
        JobResponseConverter converter = new JobResponseConverter(JsonMapper.builder().build());

        assertThat(converter.canWrite(JobResponse.class, MediaType.APPLICATION_JSON)).isTrue();
        assertThat(converter.canWrite(JobController.PageResponse.class, MediaType.APPLICATION_JSON)).isFalse();
        assertThat(converter.canWrite(JobResponse.class, MediaType.TEXT_PLAIN)).isFalse();
        assertThat(converter.canRead(JobResponse.class, MediaType.APPLICATION_JSON)).isFalse();
    }

    private void assertWrittenAsTheMappingDoes(JobResponse job) {
        context.run(app -> {
            JsonMapper mapper = app.getBean(JsonMapper.class);
            assertThat(written(mapper, job)).isEqualTo(mapper.writeValueAsString(job));
        });
    }

    private static String written(JsonMapper mapper, JobResponse job) throws IOException {
        MockHttpOutputMessage output = new MockHttpOutputMessage();
        new JobResponseConverter(mapper).write(job, MediaType.APPLICATION_JSON, output);
        return output.getBodyAsString(StandardCharsets.UTF_8);
    }

    private static JobResponse aSubmittedJob() {
        JsonMapper mapper = JsonMapper.builder().build();
        return new JobResponse(UUID.randomUUID(), "echo", JobStatus.QUEUED, mapper.readTree("{\"n\":1}"), null,
                null, 0, null, Instant.parse("2026-12-02T15:04:05.123456Z"), null, null, 3, "PT10M",
                "4bf92f3577b34da6a3ce929d0e0e4736", null, null, null, null, null, null);
    }

    private static JobResponse aFinishedJobWithHistory() {
        JsonMapper mapper = JsonMapper.builder().build();
        JsonNode error = mapper.readTree("{\"type\":\"boom\",\"message\":\"it broke\",\"retryable\":true}");
        Instant started = Instant.parse("2026-12-02T15:04:06Z");
        Instant finished = Instant.parse("2026-12-02T15:04:07.000000001Z");
        return new JobResponse(UUID.randomUUID(), "prime-count", JobStatus.SUCCEEDED,
                mapper.readTree("{\"upTo\":100000}"), mapper.readTree("{\"count\":9592}"), null, 2,
                mapper.readTree("{\"fraction\":1.0,\"note\":\"done\"}"), Instant.parse("2026-12-02T15:04:05.1Z"),
                started, finished, 3, "PT10M", "4bf92f3577b34da6a3ce929d0e0e4736", UUID.randomUUID(),
                UUID.randomUUID(), Instant.parse("2026-12-02T15:04:00Z"), UUID.randomUUID(), "count",
                List.of(new JobStore.AttemptRecord(1, "worker-1", "FAILED", started, started, error),
                        new JobStore.AttemptRecord(2, "worker-2", "SUCCEEDED", started, finished, null)));
    }
}
