package errand.api.schedules;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

class CronTests {

    private static final ZoneId PARIS = ZoneId.of("Europe/Paris");
    private static final ZoneId NEW_YORK = ZoneId.of("America/New_York");

    @Test
    void fiveFieldUnixCronFiresOnTheMinute() {
        assertThat(firesAfter("*/15 * * * *", "2026-06-01T10:07:42Z", ZoneOffset.UTC, 3)).containsExactly(
                "2026-06-01T10:15Z", "2026-06-01T10:30Z", "2026-06-01T10:45Z");
    }

    @Test
    void sixFieldCronCountsSecondsFirst() {
        assertThat(firesAfter("*/20 * * * * *", "2026-06-01T10:07:42Z", ZoneOffset.UTC, 3)).containsExactly(
                "2026-06-01T10:08Z", "2026-06-01T10:08:20Z", "2026-06-01T10:08:40Z");
    }

    @Test
    void fiveFieldCronTreatsSevenAndZeroAsSunday() {
        assertThat(firesAfter("0 9 * * 0", "2026-06-01T00:00Z", ZoneOffset.UTC, 1))
                .isEqualTo(firesAfter("0 9 * * 7", "2026-06-01T00:00Z", ZoneOffset.UTC, 1))
                .containsExactly("2026-06-07T09:00Z");
    }

    @Test
    void fiveFieldCronWithBothDaysRestrictedFiresOnEitherAsUnixCronDoes() {
        // 2026-11-01 is a Sunday: Fridays are the 6th, the 13th (also the day of the month) and the 20th
        assertThat(firesAfter("0 12 13 * 5", "2026-11-01T00:00Z", ZoneOffset.UTC, 3)).containsExactly(
                "2026-11-06T12:00Z", "2026-11-13T12:00Z", "2026-11-20T12:00Z");
        assertThat(firesAfter("0 12 1 * 1", "2026-11-29T00:00Z", ZoneOffset.UTC, 2)).containsExactly(
                "2026-11-30T12:00Z", "2026-12-01T12:00Z");
    }

    @Test
    void sixFieldCronKeepsSpringsDaysBothMustMatch() {
        // Friday the 13th only: November 2026's, then August 2027's
        assertThat(firesAfter("0 0 12 13 * FRI", "2026-11-01T00:00Z", ZoneOffset.UTC, 2))
                .containsExactly("2026-11-13T12:00Z", "2027-08-13T12:00Z");
    }

    @Test
    void macrosFireAtTheStartOfTheirPeriod() {
        String from = "2026-06-10T10:07:42Z";
        assertThat(firesAfter("@hourly", from, ZoneOffset.UTC, 1)).containsExactly("2026-06-10T11:00Z");
        assertThat(firesAfter("@daily", from, ZoneOffset.UTC, 1)).containsExactly("2026-06-11T00:00Z");
        assertThat(firesAfter("@weekly", from, ZoneOffset.UTC, 1)).containsExactly("2026-06-14T00:00Z");
        assertThat(firesAfter("@monthly", from, ZoneOffset.UTC, 1)).containsExactly("2026-07-01T00:00Z");
        assertThat(firesAfter("@yearly", from, ZoneOffset.UTC, 1)).containsExactly("2027-01-01T00:00Z");
    }

    @Test
    void fireTimesAreLocalTimesOfTheZone() {
        assertThat(firesAfter("0 9 * * *", "2026-06-01T00:00Z", PARIS, 1)).containsExactly("2026-06-01T07:00Z");
    }

    @Test
    void parisLocalTimeSkippedWhenClocksGoForwardFiresAtTheNextValidInstant() {
        // 29 March 2026: 02:00 CET becomes 03:00 CEST, so 02:30 does not exist that night
        assertThat(firesAfter("30 2 * * *", "2026-03-28T00:00Z", PARIS, 3)).containsExactly(
                "2026-03-28T01:30Z", "2026-03-29T01:00Z", "2026-03-30T00:30Z");
    }

    @Test
    void parisEveryQuarterHourCronFiresOnceWhenTheSkippedHourEnds() {
        assertThat(firesAfter("*/15 * * * *", "2026-03-29T00:40Z", PARIS, 3)).containsExactly(
                "2026-03-29T00:45Z", "2026-03-29T01:00Z", "2026-03-29T01:15Z");
    }

    @Test
    void parisLocalTimeLivedTwiceWhenClocksGoBackFiresOnce() {
        // 25 October 2026: 03:00 CEST becomes 02:00 CET, so 02:30 happens twice that night
        assertThat(firesAfter("30 2 * * *", "2026-10-24T12:00Z", PARIS, 3)).containsExactly(
                "2026-10-25T00:30Z", "2026-10-26T01:30Z", "2026-10-27T01:30Z");
    }

    @Test
    void parisHourlyCronFiresOnceInTheHourLivedTwice() {
        assertThat(firesAfter("0 * * * *", "2026-10-24T23:30Z", PARIS, 4)).containsExactly(
                "2026-10-25T00:00Z", "2026-10-25T02:00Z", "2026-10-25T03:00Z", "2026-10-25T04:00Z");
    }

    @Test
    void newYorkLocalTimeSkippedWhenClocksGoForwardFiresAtTheNextValidInstant() {
        // 8 March 2026: 02:00 EST becomes 03:00 EDT
        assertThat(firesAfter("30 2 * * *", "2026-03-07T00:00Z", NEW_YORK, 3)).containsExactly(
                "2026-03-07T07:30Z", "2026-03-08T07:00Z", "2026-03-09T06:30Z");
    }

    @Test
    void newYorkLocalTimeLivedTwiceWhenClocksGoBackFiresOnce() {
        // 1 November 2026: 02:00 EDT becomes 01:00 EST, so 01:30 happens twice
        assertThat(firesAfter("30 1 * * *", "2026-10-31T12:00Z", NEW_YORK, 3)).containsExactly(
                "2026-11-01T05:30Z", "2026-11-02T06:30Z", "2026-11-03T06:30Z");
    }

    @Test
    void newYorkEveryMinuteCronSkipsTheRepeatedHour() {
        List<String> fires = firesAfter("* * * * *", "2026-11-01T05:58Z", NEW_YORK, 3);
        // 01:58 EDT, 01:59 EDT, then 01:00 EST again would repeat the hour: it goes on at 02:00 EST
        assertThat(fires).containsExactly("2026-11-01T05:59Z", "2026-11-01T07:00Z", "2026-11-01T07:01Z");
    }

    @Test
    void rejectsWrongNumberOfFields() {
        assertThatThrownBy(() -> Cron.parse("* * * *")).isInstanceOf(Cron.Invalid.class)
                .hasMessageContaining("4 fields");
        assertThatThrownBy(() -> Cron.parse("")).isInstanceOf(Cron.Invalid.class).hasMessageContaining("0 fields");
    }

    @Test
    void rejectsOutOfRangeFieldsAndUnknownMacros() {
        assertThatThrownBy(() -> Cron.parse("61 * * * *")).isInstanceOf(Cron.Invalid.class);
        assertThatThrownBy(() -> Cron.parse("@fortnightly")).isInstanceOf(Cron.Invalid.class);
    }

    @Test
    void aCronForAnImpossibleDateNeverFires() {
        assertThat(Cron.parse("0 0 30 2 *").firesAfter(Instant.parse("2026-01-01T00:00:00Z"), ZoneOffset.UTC))
                .isFalse();
    }

    private static List<String> firesAfter(String cron, String from, ZoneId zone, int count) {
        Cron parsed = Cron.parse(cron);
        List<String> fires = new ArrayList<>();
        Instant at = OffsetDateTime.parse(from).toInstant();
        for (int i = 0; i < count; i++) {
            at = parsed.nextAfter(at, zone).orElseThrow();
            fires.add(OffsetDateTime.ofInstant(at, ZoneOffset.UTC).toString());
        }
        return fires;
    }
}
