package errand.api.security;

import java.time.Duration;

import jakarta.validation.constraints.Positive;
import jakarta.validation.constraints.Size;
import org.hibernate.validator.constraints.time.DurationMax;
import org.hibernate.validator.constraints.time.DurationMin;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * How the API authenticates and limits callers.
 *
 * @param bootstrapKey   a secret with every scope in tenant {@code default}, for the first start, docker compose and
 *                       tests; when unset and the store holds no key, one is generated at start and logged once
 * @param rateLimit      requests per second per key, past which a request gets {@code 429}; null: no limit
 * @param keyCacheTtl    how long an instance trusts what it read about a key; a deleted key stops working on every
 *                       instance within this (the contract allows 5 seconds)
 * @param usageFlushInterval how often the keys' {@code lastUsedAt} is written
 */
@Validated
@ConfigurationProperties("errand.api.security")
public record SecurityProperties(
        @Nullable @Size(min = 16, message = "must be at least 16 characters") String bootstrapKey,
        @Nullable @Positive Double rateLimit,
        @DefaultValue("PT2S") @DurationMin(millis = 1) @DurationMax(seconds = 4) Duration keyCacheTtl,
        @DefaultValue("PT5S") @DurationMin(millis = 100) Duration usageFlushInterval) {

    /** Never shows the bootstrap key: a properties object ends up in logs and error reports. */
    @Override
    public String toString() {
        return "SecurityProperties[bootstrapKey=" + (bootstrapKey == null ? "unset" : "(set)")
                + ", rateLimit=" + rateLimit + ", keyCacheTtl=" + keyCacheTtl
                + ", usageFlushInterval=" + usageFlushInterval + "]";
    }
}
