package errand.api.security;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.stereotype.Component;

/**
 * The first key. With {@code errand.api.security.bootstrap-key} set, that secret works (every scope, tenant
 * {@code default}) and nothing is stored. Without it, and with no key in the store, one admin key is generated and
 * its secret logged once, the way Spring Boot logs a generated password: that log line is the only place it appears.
 */
@Component
class BootstrapKey implements ApplicationRunner {

    private static final Logger log = LoggerFactory.getLogger(BootstrapKey.class);

    private final SecurityProperties properties;
    private final ApiKeys keys;

    BootstrapKey(SecurityProperties properties, ApiKeys keys) {
        this.properties = properties;
        this.keys = keys;
    }

    @Override
    public void run(ApplicationArguments arguments) {
        if (properties.bootstrapKey() != null) {
            return;
        }
        keys.createFirstKeyIfNone().ifPresent(secret -> log.warn("""


                Generated an admin API key for tenant 'default' (the store held none): {}
                It is shown this once. Use it to make your own keys (POST /api/v1/keys), then delete it; or set \
                errand.api.security.bootstrap-key.
                """, secret));
    }
}
