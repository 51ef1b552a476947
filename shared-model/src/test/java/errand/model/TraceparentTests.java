package errand.model;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class TraceparentTests {

    @Test
    void parsesAValidHeaderAndWritesItBack() {
        String header = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

        Traceparent parsed = Traceparent.parse(header).orElseThrow();

        assertThat(parsed.traceId()).isEqualTo("4bf92f3577b34da6a3ce929d0e0e4736");
        assertThat(parsed.sampled()).isTrue();
        assertThat(parsed.header()).isEqualTo(header);
    }

    @Test
    void rejectsMalformedAndAllZeroIds() {
        assertThat(Traceparent.parse("banana")).isEmpty();
        assertThat(Traceparent.parse("00-00000000000000000000000000000000-00f067aa0ba902b7-01")).isEmpty();
        assertThat(Traceparent.parse("00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01")).isEmpty();
        assertThat(Traceparent.parse(null)).isEmpty();
    }

    @Test
    void aNewTraceIsAValidSampledHeader() {
        Traceparent trace = Traceparent.newTrace();

        assertThat(trace.sampled()).isTrue();
        assertThat(Traceparent.parse(trace.header())).contains(trace);
        assertThat(Traceparent.newTrace().traceId()).isNotEqualTo(trace.traceId());
    }
}
