package errand.tests.support;

/** The broker users the API and the workers of an {@link ErrandPlatform} log in as, instead of the administrator. */
public record BrokerLogins(String apiUser, String apiPassword, String workerUser, String workerPassword) {
}
