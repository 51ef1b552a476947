package errand.worker.runtime;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Whether this worker serves the {@link errand.worker.tasks.Diagnostic} options of its task types ({@code fail}'s
 * {@code crash} and {@code hang}), under {@code errand.worker.diagnostics}. Off by default: a production worker
 * must not let any client halt it or pin its slots.
 *
 * @param enabled serve diagnostic options and announce them in the input schemas
 */
@Validated
@ConfigurationProperties("errand.worker.diagnostics")
public record DiagnosticsProperties(@DefaultValue("false") boolean enabled) {
}
