// A form built from a task type's payload JSON Schema: one labelled control per property, filled from the type's
// example. It does no validation of its own (novalidate): the API's problem names each wrong field, and its message
// is shown beside that field, so the form can never disagree with the API.

import {el, fill} from './dom.js';

/**
 * The form; onSubmit(payload, showErrors) is called with the payload, and showErrors(errors) places the API's
 * field errors beside their fields, answering those that name no field of the form.
 */
export function payloadForm(schema, example, onSubmit) {
    const properties = Object.entries(schema?.properties || {});
    const required = new Set(schema?.required || []);
    const fields = properties.map(([name, property]) => field(name, property, required.has(name), example?.[name]));
    const form = el('form', {id: 'payload-form', novalidate: true, class: 'payload-form', onsubmit: (event) => {
        event.preventDefault();
        const payload = {};
        for (const f of fields) {
            const value = f.read();
            if (value !== undefined) {
                payload[f.name] = value;
            }
        }
        fields.forEach((f) => f.showError(null));
        onSubmit(payload, (errors) => errors.filter((error) => {
            const target = fields.find((f) => error.field === `/payload/${f.name}`
                || error.field.startsWith(`/payload/${f.name}/`));
            target?.showError(error.message);
            return !target;
        }));
    }},
    fields.length === 0 ? el('p', {}, 'This type takes an empty payload.') : fields.map((f) => f.element),
    el('button', {type: 'submit', id: 'submit-job'}, 'Submit job'));
    return form;
}

function field(name, property, isRequired, initial) {
    const id = `payload-${name}`;
    const errorId = `error-${name}`;
    const kind = kindOf(property);
    const control = controlFor(kind, id, name, property, initial);
    const error = el('p', {class: 'field-error', id: errorId, 'aria-live': 'polite'});
    control.setAttribute('aria-describedby', errorId);
    const label = el('label', {for: id}, name, isRequired ? ' (required)' : '');
    const element = el('div', {class: `field field-${kind}`},
        kind === 'boolean' ? [control, label] : [label, control],
        property.description ? el('p', {class: 'hint'}, property.description) : null,
        error);
    return {
        name,
        element,
        read: () => read(kind, control, isRequired),
        showError(message) {
            fill(error, message || '');
            if (message) {
                control.setAttribute('aria-invalid', 'true');
            } else {
                control.removeAttribute('aria-invalid');
            }
        },
    };
}

/** The property's main JSON type, ignoring "null" in a union. */
function kindOf(property) {
    if (Array.isArray(property.enum)) {
        return 'enum';
    }
    const types = [property.type].flat().filter((t) => t && t !== 'null');
    const type = types[0];
    if (['integer', 'number', 'boolean'].includes(type)) {
        return type === 'boolean' ? 'boolean' : 'number';
    }
    if (type === 'string') {
        return (property.maxLength ?? Infinity) > 200 ? 'text' : 'string';
    }
    return 'json';
}

function controlFor(kind, id, name, property, initial) {
    switch (kind) {
        case 'boolean':
            return el('input', {id, name, type: 'checkbox', checked: initial === true});
        case 'enum':
            return el('select', {id, name}, el('option', {value: ''}, '(none)'),
                property.enum.map((v) => el('option', {value: JSON.stringify(v), selected: v === initial},
                    String(v))));
        case 'number':
            return el('input', {id, name, type: 'text', inputmode: 'decimal', value: initial ?? ''});
        case 'string':
            return el('input', {id, name, type: 'text', value: initial ?? ''});
        case 'text':
            return el('textarea', {id, name, rows: 4}, initial ?? '');
        default:
            return el('textarea', {id, name, rows: 4, class: 'json-input'},
                initial === undefined ? '' : JSON.stringify(initial, null, 2));
    }
}

/** The control's value as JSON; undefined leaves an empty optional field out of the payload. */
function read(kind, control, isRequired) {
    if (kind === 'boolean') {
        return control.checked ? true : (isRequired ? false : undefined);
    }
    const text = control.value;
    if (text.trim() === '') {
        return kind === 'string' || kind === 'text' ? (isRequired ? '' : undefined) : undefined;
    }
    if (kind === 'enum') {
        return JSON.parse(text);
    }
    if (kind === 'number') {
        const number = Number(text.trim());
        // not a number: send the text as typed, and let the API say what is wrong with it
        return Number.isFinite(number) ? number : text;
    }
    if (kind === 'json') {
        try {
            return JSON.parse(text);
        } catch {
            return text;
        }
    }
    return text;
}
