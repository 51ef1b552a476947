// A list page read by the API's cursor, newest first, re-read every few seconds: the page the URL's ?after= names,
// with a pager to the newest and the next older page. The workflows, batches and schedules lists are each one.

import {api, query} from './api.js';
import {el, fill, notice, pager, table} from './dom.js';
import {every} from './live.js';

const POLL_MS = 3000;

/**
 * Draws the list under a heading. field names the page's array in the API's answer ({"batches": [...], "next"});
 * row(item) gives a table row's cells, under headings.
 */
export async function cursorList(ctx, {title, apiPath, consolePath, field, listId, tableId, headings, row}) {
    const after = ctx.search.get('after') || '';
    const list = el('div', {id: listId, 'aria-live': 'polite'});
    ctx.main.append(el('h1', {}, title), list);
    await every(POLL_MS, async () => {
        const page = await api(`${apiPath}${query({after, limit: 50})}`, {signal: ctx.signal});
        const rows = page[field].map(row);
        const caption = after ? `${title}, an older page` : `${title}, newest first`;
        fill(list,
            rows.length === 0 ? notice(`No ${title.toLowerCase()}.`) : table(caption, headings, rows, {id: tableId}),
            pager(consolePath, after, page.next));
    }, ctx.signal, ctx.failed);
}
