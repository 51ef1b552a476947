package errand.api.workflows;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Limits of workflows.
 *
 * @param maxSteps steps in one workflow at most
 */
@Validated
@ConfigurationProperties("errand.api.workflows")
public record WorkflowsProperties(@DefaultValue("1000") @Min(1) @Max(100_000) int maxSteps) {
}
