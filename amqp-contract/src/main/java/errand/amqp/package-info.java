/**
 * What the API and the workers both do on the wire, written once against Spring AMQP: the job message as an AMQP
 * message ({@link errand.amqp.JobMessages}), the topology each side declares ({@link errand.amqp.ErrandTopology})
 * and the reading of a publisher confirm ({@link errand.amqp.Confirms}). Names and arguments come from
 * {@code errand.model} (shared-model), which stays free of Spring; see {@code docs/wire-contract.md}.
 */
@NullMarked
package errand.amqp;

import org.jspecify.annotations.NullMarked;
