// Server-sent events read with fetch(), because EventSource cannot send an Authorization header and the key must
// never go into a URL. Parses the text/event-stream format: id:, event:, data: lines, a blank line ends an event.

import {ApiError, authorizedFetch} from './api.js';

/**
 * Reads the stream at path until it ends or signal aborts, calling onEvent({id, event, data}) for each event, and
 * onOpen() once the server accepted the stream. Answers normally when the server closed the stream; throws ApiError
 * when it refused it.
 */
export async function readEvents(path, {onEvent, onOpen, signal, lastEventId}) {
    const headers = {Accept: 'text/event-stream'};
    if (lastEventId) {
        headers['Last-Event-ID'] = lastEventId;
    }
    const response = await authorizedFetch(path, {headers, signal});
    if (!response.ok) {
        throw new ApiError(response.status, null);
    }
    onOpen?.();
    const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
    const parser = eventParser(onEvent);
    try {
        for (;;) {
            const {value, done} = await reader.read();
            if (done) {
                return;
            }
            parser.push(value);
        }
    } finally {
        reader.releaseLock();
    }
}

function eventParser(onEvent) {
    let buffer = '';
    let id = null;
    let event = null;
    let data = [];
    const dispatch = () => {
        if (data.length > 0) {
            onEvent({id, event: event || 'message', data: data.join('\n')});
        }
        event = null;
        data = [];
    };
    const line = (text) => {
        if (text === '') {
            dispatch();
            return;
        }
        if (text.startsWith(':')) {
            return; // a comment: the server's keep-alive
        }
        const colon = text.indexOf(':');
        const field = colon < 0 ? text : text.slice(0, colon);
        let value = colon < 0 ? '' : text.slice(colon + 1);
        if (value.startsWith(' ')) {
            value = value.slice(1);
        }
        if (field === 'data') {
            data.push(value);
        } else if (field === 'event') {
            event = value;
        } else if (field === 'id') {
            id = value;
        }
    };
    return {
        push(chunk) {
            buffer += chunk;
            for (;;) {
                const end = buffer.search(/\r\n|\r|\n/);
                // a lone \r at the end may be the first half of \r\n: wait for the next chunk
                if (end < 0 || (buffer[end] === '\r' && end === buffer.length - 1)) {
                    return;
                }
                const width = buffer.startsWith('\r\n', end) ? 2 : 1;
                line(buffer.slice(0, end));
                buffer = buffer.slice(end + width);
            }
        },
    };
}
