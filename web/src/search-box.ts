/** The search box: as the user types, `/api/v1/entities` answers; picking a result opens its lineage. */
import type { EntitySummary } from './api.js';
import { searchEntities } from './api.js';
import { byId, el } from './dom.js';
import { resourceName } from './graph-model.js';

export function entityTitle(e: EntitySummary): string {
  return e.Name ?? e.SourceUri ?? resourceName(e.Arn);
}

export function setUpSearch(open: (entity: EntitySummary) => void): void {
  const input = byId<HTMLInputElement>('search');
  const list = byId<HTMLUListElement>('search-results');
  let latest = 0;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let results: EntitySummary[] = [];
  let active = -1;

  const close = (): void => {
    list.hidden = true;
    active = -1;
  };
  const pick = (e: EntitySummary | undefined): void => {
    if (!e) return;
    close();
    input.value = entityTitle(e);
    open(e);
  };
  const show = (entities: EntitySummary[], text: string): void => {
    results = entities;
    active = -1;
    list.replaceChildren(
      ...(entities.length === 0
        ? [el('li', { class: 'search-result empty' }, `Nothing starts with “${text}”.`)]
        : entities.map((e, i) => {
            const li = el(
              'li',
              { class: 'search-result', role: 'option', 'data-arn': e.Arn },
              el('div', {}, entityTitle(e)),
              el('div', { class: 'what' }, `${e.Type ?? ''} · ${e.LineageType} · ${e.Arn}`),
            );
            li.addEventListener('mousedown', (ev) => {
              ev.preventDefault();
              pick(entities[i]);
            });
            return li;
          })),
    );
    list.hidden = false;
  };
  const run = async (): Promise<void> => {
    const text = input.value.trim();
    const ticket = ++latest;
    if (text === '') return close();
    try {
      const entities = await searchEntities(text);
      if (ticket === latest) show(entities, text);
    } catch (e) {
      if (ticket === latest) list.replaceChildren(el('li', { class: 'search-result empty' }, (e as Error).message));
    }
  };
  input.addEventListener('input', () => {
    clearTimeout(timer);
    timer = setTimeout(() => void run(), 150);
  });
  input.addEventListener('keydown', (ev) => {
    if (ev.key === 'Escape') return close();
    if (ev.key === 'ArrowDown' || ev.key === 'ArrowUp') {
      ev.preventDefault();
      active = Math.max(0, Math.min(results.length - 1, active + (ev.key === 'ArrowDown' ? 1 : -1)));
      [...list.children].forEach((c, i) => c.setAttribute('aria-selected', String(i === active)));
    }
    if (ev.key === 'Enter') {
      ev.preventDefault();
      pick(results[Math.max(active, 0)]);
    }
  });
  input.addEventListener('blur', () => setTimeout(close, 100));
}
