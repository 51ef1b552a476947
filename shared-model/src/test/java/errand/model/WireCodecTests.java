package errand.model;

import static errand.model.WireSamples.outcome;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.function.Function;
import java.util.stream.Stream;

import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.json.JsonMapper;

/**
 * The hand-written codecs behind {@link WireJson} against the Jackson mapping they replace ({@code WireJson.mapper()},
 * which does not go through them): the same bytes written, the same records read, the same exceptions thrown.
 */
class WireCodecTests {

    private static final JsonMapper JACKSON = WireJson.mapper();
    private static final int SAMPLES = 5_000;

    /** One wire record and its codec. */
    record Codec<T>(Class<T> type, Function<WireSamples, T> sample, Function<byte[], @Nullable T> usual) {

        @Override
        public String toString() {
            return type.getSimpleName();
        }
    }

    static Stream<Codec<?>> codecs() {
        return Stream.of(new Codec<>(JobMessage.class, WireSamples::jobMessage, JobMessageCodec::readUsual),
                new Codec<>(JobEvent.class, WireSamples::jobEvent, JobEventCodec::readUsual));
    }

    @ParameterizedTest
    @MethodSource("codecs")
    void writesByteForByteWhatTheJacksonMappingWrites(Codec<?> codec) {
        WireSamples samples = new WireSamples(20261202, false);
        for (int i = 0; i < SAMPLES; i++) {
            Object value = codec.sample().apply(samples);
            byte[] expected = JACKSON.writeValueAsBytes(value);

            assertThat(WireJson.write(value)).as("%s", value).isEqualTo(expected);
        }
    }

    @ParameterizedTest
    @MethodSource("codecs")
    void readsWhatTheJacksonMappingWritesAsTheMappingReadsIt(Codec<?> codec) {
        WireSamples samples = new WireSamples(20261203, false);
        for (int i = 0; i < SAMPLES; i++) {
            byte[] body = JACKSON.writeValueAsBytes(codec.sample().apply(samples));

            assertSameOutcome(codec, body);
        }
    }

    @ParameterizedTest
    @MethodSource("codecs")
    void readsWhatErrandWritesOnTheFastPath(Codec<?> codec) {
        WireSamples samples = new WireSamples(20261204, true);
        for (int i = 0; i < SAMPLES; i++) {
            Object value = codec.sample().apply(samples);
            byte[] body = WireJson.write(value);

            assertThat(codec.usual().apply(body)).as(new String(body, StandardCharsets.UTF_8)).isEqualTo(value)
                    .isEqualTo(JACKSON.readValue(body, codec.type()));
        }
    }

    @ParameterizedTest
    @MethodSource("codecs")
    void readsBodiesInEveryOtherFormAsTheMappingDoes(Codec<?> codec) {
        WireSamples samples = new WireSamples(20261205, false);
        for (int i = 0; i < SAMPLES; i++) {
            byte[] body = samples.variant(JACKSON.writeValueAsBytes(codec.sample().apply(samples)));

            assertSameOutcome(codec, body);
        }
    }

    @ParameterizedTest
    @MethodSource("codecs")
    void failsOnEveryTruncatedBodyAsTheMappingDoes(Codec<?> codec) {
        WireSamples samples = new WireSamples(20261206, true);
        for (int i = 0; i < 20; i++) {
            byte[] body = WireJson.write(codec.sample().apply(samples));
            for (int length = 0; length < body.length; length++) {
                byte[] truncated = Arrays.copyOf(body, length);

                assertSameOutcome(codec, truncated);
                assertThatThrownBy(() -> WireJson.read(truncated, codec.type())).isInstanceOf(JacksonException.class);
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"", " ", "[]", "\"job\"", "42", "{", "{}", "{\"jobId\":}", "{\"event\":\"started\"}",
        "{\"event\":\"exploded\",\"jobId\":\"7f0c1c7e-8a0e-4c38-9b51-3c4f2b0e9a11\"}",
        "{\"jobId\":\"7f0c1c7e-8a0e-4c38-9b51-3c4f2b0e9a11\",\"jobId\":\"7f0c1c7e-8a0e-4c38-9b51-3c4f2b0e9a11\"}",
        "{\"event\":\"started\",\"event\":\"started\"}", "{\"a\":1}{\"a\":1}", "{'jobId':1}", "{\"payload\":NaN}"})
    void refusesMalformedBodiesWithTheMappingsException(String text) {
        byte[] body = text.getBytes(StandardCharsets.UTF_8);
        codecs().forEach(codec -> {
            assertSameOutcome(codec, body);
            assertThat(codec.usual().apply(body)).isNull();
        });
    }

    @Test
    void readsAJsonNullAsNullLikeTheMapping() {
        byte[] body = "null".getBytes(StandardCharsets.UTF_8);

        assertThat(WireJson.read(body, JobMessage.class)).isNull();
        assertThat(WireJson.read(body, JobEvent.class)).isNull();
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "{\"jobId\":\"7F0C1C7E-8A0E-4C38-9B51-3C4F2B0E9A11\",\"attempt\":1,\"workerId\":\"w\","
                + "\"at\":\"2026-11-25T10:15:30Z\",\"event\":\"started\"}",
        "{\"event\":\"started\",\"jobId\":\"7f0c1c7e-8a0e-4c38-9b51-3c4f2b0e9a11\",\"attempt\":\"1\","
                + "\"workerId\":\"w\",\"at\":\"2026-11-25T11:15:30+01:00\"}",
        "{\"event\":\"progress\",\"jobId\":\"7f0c1c7e-8a0e-4c38-9b51-3c4f2b0e9a11\",\"attempt\":1,"
                + "\"workerId\":\"w\",\"at\":\"2026-11-25T10:15:30Z\",\"fraction\":1}",
        "{\"event\":\"succeeded\",\"jobId\":\"7f0c1c7e-8a0e-4c38-9b51-3c4f2b0e9a11\",\"attempt\":1,"
                + "\"workerId\":\"w\",\"startedAt\":1764101113.5,\"at\":\"2026-11-25T10:15:30Z\",\"result\":null}"})
    void leavesEventsInAnotherSendersFormToTheMappingWhichReadsThem(String text) {
        byte[] body = text.getBytes(StandardCharsets.UTF_8);

        assertThat(JobEventCodec.readUsual(body)).isNull();
        assertThat(WireJson.read(body, JobEvent.class)).isNotNull().isEqualTo(JACKSON.readValue(body, JobEvent.class));
    }

    private static void assertSameOutcome(Codec<?> codec, byte[] body) {
        assertThat(outcome(() -> WireJson.read(body, codec.type())))
                .as(new String(body, StandardCharsets.UTF_8))
                .isEqualTo(outcome(() -> JACKSON.readValue(body, codec.type())));
    }
}
