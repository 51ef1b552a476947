package errand.api.security;

import java.util.List;
import java.util.UUID;

import io.swagger.v3.oas.annotations.Operation;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code GET /api/v1/me}: the key a request authenticated with, for any valid key ({@link ScopeRules} names no scope
 * for it). A client such as the console learns from it what it may offer, instead of trying calls to see which fail.
 */
@RestController
class CallerController {

    /** @param scopes the key's effective scopes, sorted: every scope for an admin key */
    record Me(UUID keyId, String name, String tenant, List<String> scopes) {
    }

    @Operation(summary = "The calling key", description = "Its id, name, tenant and effective scopes (an admin key "
            + "holds every scope). Needs a valid key and no particular scope.")
    @GetMapping("/api/v1/me")
    Me me(@AuthenticationPrincipal Caller caller) {
        return new Me(caller.keyId(), caller.keyName(), caller.tenant(),
                caller.scopes().stream().sorted().map(Scope::wireName).toList());
    }
}
