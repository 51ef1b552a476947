@NullMarked
package errand.worker.runtime.leasing;

import org.jspecify.annotations.NullMarked;
