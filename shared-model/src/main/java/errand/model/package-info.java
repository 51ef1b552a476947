/**
 * The wire contract between Errand's API and its workers: message records, event types, topology and
 * header names, and the JSON mapping. Plain Java and Jackson, no Spring, so a worker in another
 * language can be written from these definitions alone. Released wire names never change.
 */
@NullMarked
package errand.model;

import org.jspecify.annotations.NullMarked;
