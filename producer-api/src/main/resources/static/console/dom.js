// Building the page. Everything that came from the API (payloads, results, errors, type names) goes in as text
// nodes, never as HTML: there is no innerHTML anywhere in the console.

/** An element with attributes (on* handlers as functions) and children (strings become text nodes). */
export function el(tag, attributes = {}, ...children) {
    const element = document.createElement(tag);
    for (const [name, value] of Object.entries(attributes)) {
        if (value === undefined || value === null || value === false) {
            continue;
        }
        if (name.startsWith('on') && typeof value === 'function') {
            element.addEventListener(name.slice(2).toLowerCase(), value);
        } else if (value === true) {
            element.setAttribute(name, '');
        } else {
            element.setAttribute(name, String(value));
        }
    }
    append(element, children);
    return element;
}

function append(element, children) {
    for (const child of children.flat(Infinity)) {
        if (child === undefined || child === null || child === false) {
            continue;
        }
        element.append(child instanceof Node ? child : document.createTextNode(String(child)));
    }
}

/** Replaces an element's children. */
export function fill(element, ...children) {
    element.replaceChildren();
    append(element, children);
    return element;
}

/** A link the console's router follows without reloading the page. */
export function link(href, ...children) {
    return el('a', {href, 'data-link': true}, ...children);
}

/** The pager of a list read by the API's cursor: back to the newest page, on to an older one. */
export function pager(path, after, next) {
    return el('nav', {class: 'pager', 'aria-label': 'Pages'},
        after ? link(path, 'Newest') : null,
        next ? link(`${path}?after=${encodeURIComponent(next)}`, 'Older') : null);
}

/** An instant in the browser's zone, with UTC on hover; a dash when absent. */
export function time(instant) {
    if (!instant) {
        return el('span', {class: 'muted'}, '–');
    }
    const date = new Date(instant);
    return el('time', {datetime: instant, title: `${date.toISOString()} (UTC)`}, date.toLocaleString());
}

/** JSON as preformatted text. */
export function json(value, label) {
    if (value === undefined || value === null) {
        return el('p', {class: 'muted'}, 'none');
    }
    return el('pre', {class: 'json', tabindex: 0, 'aria-label': label}, JSON.stringify(value, null, 2));
}

/** A job status: always the word, with a shape and colour that only repeat it. */
export function status(name) {
    return el('span', {class: `status status-${String(name).toLowerCase()}`}, name);
}

/** A table; rows are arrays of cells. Wide tables scroll inside their own box on a narrow screen. */
export function table(caption, headings, rows, attributes = {}) {
    return el('div', {class: 'table-box'},
        el('table', attributes,
            el('caption', {}, caption),
            el('thead', {}, el('tr', {}, headings.map((h) => el('th', {scope: 'col'}, h)))),
            el('tbody', {}, rows.map((cells) => el('tr', {}, cells.map((c) => el('td', {}, c)))))));
}

/** One term and its value in a facts list; id names the value, for tests and links. */
export function fact(term, value, id) {
    return el('div', {}, el('dt', {}, term), el('dd', {id}, value));
}

/** A message for the user, read out by screen readers when it appears. */
export function notice(text, kind = 'info') {
    return el('p', {class: `notice notice-${kind}`, role: kind === 'error' ? 'alert' : 'status'}, text);
}

export const JOB_STATUSES = ['QUEUED', 'RUNNING', 'RETRYING', 'SUCCEEDED', 'FAILED', 'CANCELLED'];

export function isTerminal(jobStatus) {
    return ['SUCCEEDED', 'FAILED', 'CANCELLED'].includes(jobStatus);
}

/**
 * Asks in `box` before an action that cannot be undone: the question, a yes that clears the box and acts, and a no
 * that only clears it. The ids come from `name`: `<name>-text`, `confirm-<name>` and `dismiss-<name>`.
 */
export function askFirst(box, name, question, yes, act) {
    fill(box, el('div', {class: 'confirm', role: 'alertdialog', 'aria-labelledby': `${name}-text`},
        el('p', {id: `${name}-text`}, question),
        el('button', {type: 'button', id: `confirm-${name}`, onclick: () => {
            fill(box);
            act();
        }}, yes),
        el('button', {type: 'button', id: `dismiss-${name}`, onclick: () => fill(box)}, 'No')));
    box.querySelector(`#confirm-${name}`).focus();
}
