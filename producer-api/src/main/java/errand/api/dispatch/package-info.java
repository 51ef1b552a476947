@NullMarked
package errand.api.dispatch;

import org.jspecify.annotations.NullMarked;
