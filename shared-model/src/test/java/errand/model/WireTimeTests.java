package errand.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.SplittableRandom;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.json.JsonMapper;

class WireTimeTests {

    private static final Instant EARLIEST = Instant.parse("0000-01-01T00:00:00Z");
    private static final Instant LATEST = Instant.parse("9999-12-31T23:59:59.999999999Z");

    @Test
    void readsEveryInstantJavaWritesExactlyAsInstantParseDoes() {
        randomInstants(20261125).forEach(instant -> {
            String text = instant.toString();
            assertThat(WireTime.instant(text)).as(text).isEqualTo(Instant.parse(text)).isEqualTo(instant);
        });
    }

    @Test
    void writesEveryInstantExactlyAsInstantToStringDoes() {
        randomInstants(20261201).forEach(instant -> assertThat(WireTime.text(instant)).isEqualTo(instant.toString()));
    }

    /** 200,000 instants of the years 0 to 9999, a quarter each in whole seconds, milli-, micro- and nanoseconds. */
    private static Stream<Instant> randomInstants(long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        return IntStream.range(0, 200_000).mapToObj(i -> {
            Instant instant = Instant.ofEpochSecond(random.nextLong(EARLIEST.getEpochSecond(),
                    LATEST.getEpochSecond() + 1), random.nextInt(1_000_000_000));
            return switch (i % 4) {
                case 0 -> instant.truncatedTo(ChronoUnit.SECONDS);
                case 1 -> instant.truncatedTo(ChronoUnit.MILLIS);
                case 2 -> instant.truncatedTo(ChronoUnit.MICROS);
                default -> instant;
            };
        });
    }

    @ParameterizedTest
    @ValueSource(strings = {"0000-01-01T00:00:00Z", "1970-01-01T00:00:00Z", "1969-12-31T23:59:59.999999999Z",
        "2024-02-29T12:00:00.100Z", "2026-11-25T20:05:13.000001Z", "9999-12-31T23:59:59.999999999Z",
        "-0001-12-31T23:59:59Z", "+10000-01-01T00:00:00Z", "-1000000000-01-01T00:00:00Z"})
    void writesEdgeAndOutOfRangeInstantsAsInstantToStringDoesAndTheMapperReadsThemBack(String text) {
        Instant instant = Instant.parse(text);

        assertThat(WireTime.text(instant)).isEqualTo(instant.toString());
        assertThat(new String(WireJson.write(instant))).isEqualTo("\"" + instant + "\"");
        assertThat(WireJson.read(WireJson.write(instant), Instant.class)).isEqualTo(instant);
    }

    @ParameterizedTest
    @ValueSource(strings = {"2024-02-29T12:00:00Z", "2026-11-25T20:05:13.1Z", "2026-11-25T20:05:13.12Z",
            "2026-11-25T20:05:13.1234Z", "2026-11-25T20:05:13.12345678Z", "1970-01-01T00:00:00Z",
            "1969-12-31T23:59:59.999999999Z", "2000-12-31T23:59:59Z", "2100-03-01T00:00:00Z"})
    void readsAnyNumberOfFractionDigitsAndEdgeDatesAsInstantParseDoes(String text) {
        assertThat(WireTime.instant(text)).isEqualTo(Instant.parse(text));
        assertThat(WireJson.mapper().readValue("\"" + text + "\"", Instant.class)).isEqualTo(Instant.parse(text));
    }

    @ParameterizedTest
    @ValueSource(strings = {"2026-11-25T21:05:13+01:00", "2026-11-25T20:05:13.5-02:30", "+12026-11-25T20:05:13Z",
            "2026-11-25t20:05:13z", "2026-11-25T24:00:00Z", "2026-11-25T20:05:13.Z"})
    void leavesOtherFormsToJacksonWhichStillAcceptsThem(String text) {
        assertThat(WireTime.instant(text)).isNull();
        assertThat(WireJson.mapper().readValue("\"" + text + "\"", Instant.class)).isEqualTo(
                JsonMapper.builder().build().readValue("\"" + text + "\"", Instant.class));
    }

    @ParameterizedTest
    @ValueSource(strings = {"2026-02-29T12:00:00Z", "2026-13-01T00:00:00Z", "2026-11-31T00:00:00Z",
            "2026-11-25T20:60:00Z", "2026-11-25T20:05:13.1234567890Z",
            "2026-11-25 20:05:13Z", "2026-1a-25T20:05:13Z", "not an instant"})
    void rejectsWhatInstantParseRejects(String text) {
        assertThat(WireTime.instant(text)).isNull();
        assertThatThrownBy(() -> WireJson.mapper().readValue("\"" + text + "\"", Instant.class))
                .isInstanceOf(JacksonException.class);
    }

    @Test
    void stillReadsAnInstantWrittenAsEpochSeconds() {
        assertThat(WireJson.mapper().readValue("1764101113.5", Instant.class))
                .isEqualTo(Instant.ofEpochSecond(1_764_101_113L, 500_000_000));
    }

    @ParameterizedTest
    @ValueSource(strings = {"PT0S", "PT1S", "PT30S", "PT5M", "PT2H", "PT999999999S", "PT999999999H", "PT05S"})
    void readsWholeSecondsMinutesAndHoursAsDurationParseDoes(String text) {
        assertThat(WireTime.duration(text)).isEqualTo(Duration.parse(text));
        assertThat(WireJson.mapper().readValue("\"" + text + "\"", Duration.class)).isEqualTo(Duration.parse(text));
    }

    @ParameterizedTest
    @ValueSource(strings = {"PT1M30S", "PT0.5S", "PT-1S", "P1D", "pt30s", "PT1000000000S", "-PT5M"})
    void leavesOtherDurationsToJackson(String text) {
        assertThat(WireTime.duration(text)).isNull();
        assertThat(WireJson.mapper().readValue("\"" + text + "\"", Duration.class)).isEqualTo(Duration.parse(text));
    }

    @ParameterizedTest
    @ValueSource(strings = {"PT", "PTS", "PT5X", "P5S", "thirty seconds"})
    void rejectsWhatDurationParseRejects(String text) {
        assertThat(WireTime.duration(text)).isNull();
        assertThatThrownBy(() -> WireJson.mapper().readValue("\"" + text + "\"", Duration.class))
                .isInstanceOf(JacksonException.class);
    }

    @Test
    void roundTripsEveryDurationJavaWrites() {
        for (Duration duration : new Duration[] {Duration.ZERO, Duration.ofMillis(1500), Duration.ofSeconds(59),
                Duration.ofMinutes(90), Duration.ofHours(36), Duration.ofDays(3).plusSeconds(1)}) {
            assertThat(WireJson.mapper().readValue(WireJson.write(duration), Duration.class)).isEqualTo(duration);
        }
    }
}
