// Schedules: the tenant's cron schedules newest first, paged by the API's cursor; each links to its page.

import {cursorList} from '../cursor-list.js';
import {el, link, time} from '../dom.js';

export function render(ctx) {
    return cursorList(ctx, {
        title: 'Schedules', apiPath: '/api/v1/schedules', consolePath: '/console/schedules', field: 'schedules',
        listId: 'schedule-list', tableId: 'schedules-table',
        headings: ['Name', 'Cron', 'Zone', 'State', 'Next fire'],
        row: (schedule) => [
            link(`/console/schedules/${schedule.id}`, schedule.name),
            el('code', {}, schedule.cron),
            schedule.timeZone,
            schedule.paused ? 'paused' : 'active',
            time(schedule.nextFireAt)],
    });
}
