package errand.worker.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.BindException;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

class WorkerPropertiesTests {

    @Test
    void holdsADeliveryFifteenMinutesByDefault() {
        WorkerProperties properties = bind(Map.of());

        assertThat(properties.holdLimit()).isEqualTo(Duration.ofMinutes(15));
        assertThat(properties.heartbeatInterval()).isEqualTo(Duration.ofSeconds(5));
    }

    @Test
    void takesAHoldLimitInAnyDurationFormat() {
        assertThat(bind(Map.of("errand.worker.hold-limit", "2s")).holdLimit()).isEqualTo(Duration.ofSeconds(2));
        assertThat(bind(Map.of("errand.worker.hold-limit", "PT10M")).holdLimit()).isEqualTo(Duration.ofMinutes(10));
    }

    @Test
    void refusesAHoldLimitThatIsNotPositive() {
        assertThatThrownBy(() -> bind(Map.of("errand.worker.hold-limit", "0s")))
                .isInstanceOf(BindException.class)
                .rootCause().hasMessageContaining("errand.worker.hold-limit must be positive");
        assertThatThrownBy(() -> bind(Map.of("errand.worker.hold-limit", "-1m")))
                .rootCause().hasMessageContaining("errand.worker.hold-limit must be positive");
    }

    @Test
    void sharesTheMachinesCoresUnlessToldHowMany() {
        assertThat(bind(Map.of()).cores()).isEqualTo(Runtime.getRuntime().availableProcessors());
        assertThat(bind(Map.of("errand.worker.cores", "4")).cores()).isEqualTo(4);
    }

    private static WorkerProperties bind(Map<String, String> settings) {
        return new Binder(new MapConfigurationPropertySource(settings)).bindOrCreate("errand.worker",
                WorkerProperties.class);
    }
}
