package errand.testsupport;

/**
 * A RabbitMQ user's permissions on one vhost: three regular expressions over the names of exchanges and queues
 * (RabbitMQ matches them unanchored, so each should carry its own {@code ^...$}).
 *
 * @param configure declare and delete
 * @param write publish to an exchange; be the destination of a binding
 * @param read consume, get and purge a queue; be the source of a binding
 */
public record BrokerPermissions(String configure, String write, String read) {
}
