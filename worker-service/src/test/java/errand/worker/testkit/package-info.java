@NullMarked
package errand.worker.testkit;

import org.jspecify.annotations.NullMarked;
