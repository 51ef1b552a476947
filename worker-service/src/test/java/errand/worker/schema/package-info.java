@NullMarked
package errand.worker.schema;

import org.jspecify.annotations.NullMarked;
