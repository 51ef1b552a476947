@NullMarked
package errand.worker.tasks;

import org.jspecify.annotations.NullMarked;
