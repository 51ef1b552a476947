// Keeping a page current while it is open: every timer and stream stops when the page's signal aborts.

import {readEvents} from './sse.js';

/** Runs task now and then every ms until signal aborts; a failed run is reported and the next one still comes. */
export function every(ms, task, signal, onError) {
    let timer = null;
    const run = async () => {
        try {
            await task();
        } catch (error) {
            if (!signal.aborted) {
                onError(error);
            }
        }
        if (!signal.aborted) {
            timer = setTimeout(run, ms);
        }
    };
    signal.addEventListener('abort', () => clearTimeout(timer));
    return run();
}

/**
 * Follows an SSE stream until signal aborts, resuming after the last event id when it drops. Answers false at once
 * (and follows nothing) when the API does not offer the stream, so the caller can fall back to polling. onOpen is
 * called each time the stream is (re)connected.
 */
export async function follow(path, onEvent, signal, onOpen) {
    let lastEventId = null;
    let first = true;
    while (!signal.aborted) {
        try {
            await readEvents(path, {
                signal, lastEventId, onOpen, onEvent: (event) => {
                    lastEventId = event.id ?? lastEventId;
                    onEvent(event);
                },
            });
        } catch (error) {
            if (signal.aborted) {
                return true;
            }
            if (first && error.status) {
                return false;
            }
        }
        first = false;
        await pause(1000, signal);
    }
    return true;
}

/** Waits ms, or less when signal aborts. */
export function pause(ms, signal) {
    return new Promise((resolve) => {
        const timer = setTimeout(resolve, ms);
        signal.addEventListener('abort', () => {
            clearTimeout(timer);
            resolve();
        });
    });
}
