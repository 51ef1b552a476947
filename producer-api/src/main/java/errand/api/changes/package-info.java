@NullMarked
package errand.api.changes;

import org.jspecify.annotations.NullMarked;
