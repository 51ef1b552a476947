package errand.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class TopologyTests {

    @ParameterizedTest(name = "a {0} delay waits in the {1} tier")
    @CsvSource({
        "PT0.2S, PT1S",
        "PT1S,   PT1S",
        "PT1.5S, PT2S",
        "PT2S,   PT2S",
        "PT5S,   PT8S",
        "PT2048S, PT2048S",
        "PT2049S, PT1H",
        "PT1H,   PT1H",
        "PT5H,   PT1H",
    })
    void parksADelayInTheShortestTierNotShorterThanIt(Duration delay, Duration tier) {
        assertThat(Topology.retryTierFor(delay)).isEqualTo(tier);
    }

    @Test
    void doublesEachTierUpToTheHour() {
        for (int i = 1; i < Topology.RETRY_TIERS.size() - 1; i++) {
            assertThat(Topology.RETRY_TIERS.get(i)).isEqualTo(Topology.RETRY_TIERS.get(i - 1).multipliedBy(2));
        }
        assertThat(Topology.RETRY_TIERS.getLast()).isEqualTo(Duration.ofHours(1))
                .isLessThan(Topology.RETRY_TIERS.get(Topology.RETRY_TIERS.size() - 2).multipliedBy(2));
    }

    @Test
    void namesEachTierQueueAfterItsSeconds() {
        assertThat(Topology.retryQueue(Duration.ofSeconds(4))).isEqualTo("errand.retry.4s");
        assertThat(Topology.retryQueueArguments(Duration.ofSeconds(4))).containsEntry("x-message-ttl", 4000L);
        assertThat(Topology.retryBindingArguments(Duration.ofHours(1))).containsEntry("errand-retry-tier", "3600s");
    }
}
