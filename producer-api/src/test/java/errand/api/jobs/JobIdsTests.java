package errand.api.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.UUID;

import org.junit.jupiter.api.Test;

class JobIdsTests {

    @Test
    void aNewIdIsAVersion7UuidOfTheRfcVariant() {
        UUID id = JobIds.newId();

        assertThat(id.version()).isEqualTo(7);
        assertThat(id.variant()).isEqualTo(2);
    }

    @Test
    void anIdCarriesItsCreationTimeInItsFirst48Bits() {
        long millis = Instant.parse("2026-12-02T22:58:01.123Z").toEpochMilli();

        UUID id = JobIds.timeOrdered(millis, new Random(7));

        assertThat(id.getMostSignificantBits() >>> 16).isEqualTo(millis);
        assertThat(id.toString()).startsWith(String.format("%08x-%04x", millis >>> 16, millis & 0xFFFF));
    }

    @Test
    void idsMadeInLaterMillisecondsSortAfterEarlierOnes() {
        Random random = new Random(42);
        List<UUID> ids = new ArrayList<>();
        for (long millis = 1_700_000_000_000L; millis < 1_700_000_000_000L + 1_000; millis++) {
            ids.add(JobIds.timeOrdered(millis, random));
        }

        assertThat(ids).isSortedAccordingTo(UUID::compareTo);
        assertThat(ids).doesNotHaveDuplicates();
    }

    @Test
    void theRandomBitsDifferBetweenIdsOfTheSameMillisecond() {
        Random random = new Random(1);
        long millis = 1_700_000_000_000L;

        assertThat(JobIds.timeOrdered(millis, random)).isNotEqualTo(JobIds.timeOrdered(millis, random));
    }
}
