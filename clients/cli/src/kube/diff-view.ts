/** The human rendering of `quire diff`: per Platform, the fields that change, then the operator's objects. */
import { paint } from '../output/style.js';
import { renderTable } from '../output/table.js';
import type { DiffView } from './diff.js';
import { colourPatch, type FieldChange } from './object-diff.js';

const short = (v: unknown) => {
  if (v === undefined) return '(absent)';
  const text = JSON.stringify(v);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
};

const fieldLine = (f: FieldChange) => `${f.path}: ${short(f.before)} -> ${short(f.after)}`;

const actionColour = { create: 'green', change: 'yellow', remove: 'red' } as const;

/** Renders the diff; `summary` leaves out the patches and keeps the lists. */
export function renderDiff(view: DiffView, summary: boolean): string {
  const out: string[] = [];
  for (const p of view.platforms) {
    const ref = `Platform ${p.namespace}/${p.name}`;
    if (p.action === 'create') out.push(paint('bold', `${ref} would be created`));
    else if (p.action === 'none') out.push(paint('bold', `${ref}: no change`));
    else {
      out.push(paint('bold', `${ref}: ${p.fields.length} field(s) would change`));
      out.push(...p.fields.map((f) => `  ${fieldLine(f)}`));
    }
    if (!summary && p.patch) out.push('', colourPatch(p.patch));
    out.push('');
    if (p.objects.length === 0) {
      out.push('The operator would create, change or remove none of its objects');
    } else {
      const counts = (a: string) => p.objects.filter((o) => o.action === a).length;
      out.push(
        paint(
          'bold',
          `Objects the operator would create (${counts('create')}), change (${counts('change')}) or remove (${counts('remove')}):`,
        ),
        renderTable(
          ['ACTION', 'KIND', 'NAME', 'FIELDS'],
          p.objects.map((o) => [
            { text: o.action, colour: actionColour[o.action] },
            o.kind,
            o.name,
            o.action === 'change' ? o.fields.join(', ') : '(whole object)',
          ]),
        ),
      );
      if (!summary) for (const o of p.objects) out.push('', colourPatch(o.patch));
    }
    for (const note of p.notes) out.push('', `Note: ${note}`);
    out.push('');
  }
  if (view.skipped.length)
    out.push(`Not compared (quire diff compares Platforms only): ${view.skipped.join(', ')}`);
  return out.join('\n').trimEnd();
}
