// The public HTTP API, called with the key the user signed in with. The key lives in this tab's sessionStorage
// only: never in a URL, a cookie or localStorage, so closing the tab forgets it.

const KEY = 'errand.apiKey';

export function savedKey() {
    return sessionStorage.getItem(KEY);
}

export function saveKey(key) {
    sessionStorage.setItem(KEY, key);
}

export function forgetKey() {
    sessionStorage.removeItem(KEY);
}

/** A refused call: its status and RFC 9457 problem (or null when the body was not one). */
export class ApiError extends Error {
    constructor(status, problem) {
        super(problem?.detail || problem?.title || `The API answered ${status}`);
        this.status = status;
        this.problem = problem;
    }
}

/** fetch() with the key; the raw response, for streams. */
export function authorizedFetch(path, options = {}, key = savedKey()) {
    const headers = new Headers(options.headers || {});
    headers.set('Authorization', `Bearer ${key}`);
    return fetch(path, {...options, headers, cache: 'no-store', credentials: 'omit'});
}

/** Calls the API and answers the parsed JSON body; throws ApiError for any status but 2xx. */
export async function api(path, {method = 'GET', body, signal, key} = {}) {
    const options = {method, signal, headers: {Accept: 'application/json'}};
    if (body !== undefined) {
        options.headers['Content-Type'] = 'application/json';
        options.body = JSON.stringify(body);
    }
    const response = await authorizedFetch(path, options, key ?? savedKey());
    const text = await response.text();
    let json = null;
    try {
        json = text ? JSON.parse(text) : null;
    } catch {
        json = null;
    }
    if (!response.ok) {
        throw new ApiError(response.status, json);
    }
    return json;
}

/** A query string of the non-empty entries, for an API path. */
export function query(params) {
    const search = new URLSearchParams();
    for (const [name, value] of Object.entries(params)) {
        if (value !== undefined && value !== null && value !== '') {
            search.set(name, value);
        }
    }
    const text = search.toString();
    return text ? `?${text}` : '';
}
