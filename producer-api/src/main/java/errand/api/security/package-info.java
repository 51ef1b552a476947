/**
 * Who may call the API: API keys (opaque bearer secrets, stored hashed), their scopes and tenants, the Spring Security
 * filter chain that checks them on every {@code /api/v1/**} request, the per-key rate limit and the key management
 * endpoints.
 */
@NullMarked
package errand.api.security;

import org.jspecify.annotations.NullMarked;
