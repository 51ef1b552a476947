/**
 * Keeping the store bounded: terminal jobs, with their attempts, are deleted once finished longer than their
 * status's retention, in small batches that API instances share.
 */
@NullMarked
package errand.api.retention;

import org.jspecify.annotations.NullMarked;
