// The console's shell: sign-in, the navigation and a router over /console/... paths. Each page is a module whose
// render(ctx) draws into <main>; ctx.signal aborts when the user leaves the page, stopping its streams and timers.

import {api, ApiError, forgetKey, savedKey, saveKey} from './api.js';
import {el, fill, notice} from './dom.js';

const ROUTES = [
    {pattern: /^\/console\/?$/, page: () => import('./pages/overview.js')},
    {pattern: /^\/console\/jobs$/, page: () => import('./pages/jobs.js')},
    {pattern: /^\/console\/jobs\/(?<id>[^/]+)$/, page: () => import('./pages/job.js')},
    {pattern: /^\/console\/failures$/, page: () => import('./pages/failures.js')},
    {pattern: /^\/console\/task-types$/, page: () => import('./pages/task-types.js')},
    {pattern: /^\/console\/task-types\/(?<name>[^/]+)$/, page: () => import('./pages/task-type.js')},
    {pattern: /^\/console\/workers$/, page: () => import('./pages/workers.js')},
    {pattern: /^\/console\/batches$/, page: () => import('./pages/batches.js')},
    {pattern: /^\/console\/batches\/(?<id>[^/]+)$/, page: () => import('./pages/batch.js')},
    {pattern: /^\/console\/workflows$/, page: () => import('./pages/workflows.js')},
    {pattern: /^\/console\/workflows\/(?<id>[^/]+)$/, page: () => import('./pages/workflow.js')},
    {pattern: /^\/console\/schedules$/, page: () => import('./pages/schedules.js')},
    {pattern: /^\/console\/schedules\/(?<id>[^/]+)$/, page: () => import('./pages/schedule.js')},
];

const main = document.getElementById('main');
const nav = document.getElementById('nav');
let me = null;
let leaving = null;

function navigate(url, {replace = false} = {}) {
    if (replace) {
        history.replaceState(null, '', url);
    } else {
        history.pushState(null, '', url);
    }
    route();
}

async function route() {
    leaving?.abort();
    leaving = new AbortController();
    const signal = leaving.signal;
    if (!savedKey()) {
        showSignIn();
        return;
    }
    if (!me) {
        try {
            me = await api('/api/v1/me');
        } catch (error) {
            signOut(error instanceof ApiError && error.status === 401 ? 'The API key was refused.' : error.message);
            return;
        }
    }
    drawNav();
    const path = location.pathname;
    const match = ROUTES.map((r) => ({r, m: r.pattern.exec(path)})).find((x) => x.m);
    if (!match) {
        fill(main, el('h1', {}, 'Not found'), el('p', {}, `The console has no page at ${path}.`));
        return;
    }
    const module = await match.r.page();
    if (signal.aborted) {
        return;
    }
    const params = Object.fromEntries(Object.entries(match.m.groups || {})
        .map(([name, value]) => [name, decodeURIComponent(value)]));
    const ctx = {
        me, params, signal, navigate, main, failed,
        search: new URLSearchParams(location.search),
        can: (scope) => me.scopes.includes(scope),
    };
    fill(main);
    try {
        await module.render(ctx);
    } catch (error) {
        if (!signal.aborted) {
            failed(error);
        }
    }
}

/** What a page shows when a call it needs fails; a 401 means the key stopped working. */
function failed(error) {
    if (error instanceof ApiError && error.status === 401) {
        signOut('The API key is no longer accepted. Sign in again.');
        return;
    }
    main.append(notice(error.message, 'error'));
}

function drawNav() {
    const links = [
        ['/console/', 'Overview', 'jobs:read'],
        ['/console/jobs', 'Jobs', 'jobs:read'],
        ['/console/failures', 'Failures', 'jobs:read'],
        ['/console/workflows', 'Workflows', 'jobs:read'],
        ['/console/batches', 'Batches', 'jobs:read'],
        ['/console/schedules', 'Schedules', 'schedules'],
        ['/console/task-types', 'Task types', 'jobs:read'],
        ['/console/workers', 'Workers', 'admin'],
    ].filter(([, , scope]) => me.scopes.includes(scope));
    fill(nav,
        el('ul', {}, links.map(([href, text]) => el('li', {},
            el('a', {href, 'data-link': true, 'aria-current': isCurrent(href) ? 'page' : null}, text)))),
        el('span', {class: 'who', title: `Scopes: ${me.scopes.join(', ')}`}, `${me.name} · ${me.tenant}`),
        el('button', {type: 'button', id: 'sign-out', onclick: () => signOut()}, 'Sign out'));
    nav.hidden = false;
}

function isCurrent(href) {
    return href === '/console/' ? location.pathname === href : location.pathname.startsWith(href);
}

function signOut(message) {
    forgetKey();
    me = null;
    showSignIn(message);
}

function showSignIn(message) {
    leaving?.abort();
    nav.hidden = true;
    fill(nav);
    const input = el('input', {id: 'api-key', name: 'api-key', type: 'password', autocomplete: 'off', required: true});
    const error = message ? notice(message, 'error') : null;
    // method=post: should the script ever not run, a submit must not put the key in the URL
    const form = el('form', {id: 'sign-in', method: 'post', class: 'sign-in', onsubmit: (event) => {
        event.preventDefault();
        signIn(input.value.trim(), form);
    }},
    el('h1', {}, 'Sign in'),
    el('p', {}, 'The console acts with an API key: what it shows and lets you do follows the key\'s scopes. '
        + 'The key is kept in this browser tab only.'),
    error,
    el('label', {for: 'api-key'}, 'API key'),
    input,
    el('button', {type: 'submit'}, 'Sign in'));
    fill(main, form);
    input.focus();
}

async function signIn(key, form) {
    form.querySelector('.notice')?.remove();
    try {
        me = await api('/api/v1/me', {key});
    } catch (error) {
        const text = error instanceof ApiError && error.status === 401 ? 'The API key was refused.' : error.message;
        form.querySelector('label').before(notice(text, 'error'));
        return;
    }
    saveKey(key);
    route();
}

document.addEventListener('click', (event) => {
    const anchor = event.target.closest('a[data-link]');
    if (anchor && event.button === 0 && !event.metaKey && !event.ctrlKey && !event.shiftKey) {
        event.preventDefault();
        navigate(anchor.getAttribute('href'));
    }
});
window.addEventListener('popstate', route);
route();
