/**
 * The few SVG and HTML pieces the platform report draws with: escaping, boxes, text, lines.
 * Text is set in the page's monospace font at a fixed size, so widths can be computed
 * without a browser: every glyph of a monospace font has the same advance (DejaVu Sans Mono,
 * Liberation Mono and Menlo: 0.60-0.61 em). Layout reserves a little more per character.
 */

/** Font size of diagram text, in px. */
export const FONT_PX = 12;
/** Width reserved per character of diagram text, in px (0.625 em: a little above any common monospace advance). */
export const CHAR_PX = 7.5;
/** Height of one line of diagram text, in px. */
export const LINE_PX = 16;

/** Escapes text for HTML and SVG content and attribute values. */
export function esc(value: string | number): string {
  return String(value).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}

/** Width in px that `text` takes in diagram text. */
export function textWidth(content: string): number {
  return [...content].length * CHAR_PX;
}

/** A number for an SVG attribute: at most two decimals, no trailing zeros. */
export function n(value: number): string {
  return String(Math.round(value * 100) / 100);
}

/** Attributes as text (`key="value"`), in the given order, undefined ones left out. */
export function attrs(a: { [key: string]: string | number | undefined }): string {
  return Object.entries(a).filter(([, v]) => v !== undefined).map(([k, v]) => `${k}="${esc(typeof v === 'number' ? n(v) : v!)}"`).join(' ');
}

/** A `<text>` element; `extra` attributes (class, data-*) are added. */
export function text(x: number, y: number, content: string, extra: { [key: string]: string | number | undefined } = {}): string {
  return `<text ${attrs({ x, y, ...extra })}>${esc(content)}</text>`;
}

/** A `<rect>` element. */
export function rect(x: number, y: number, width: number, height: number, extra: { [key: string]: string | number | undefined } = {}): string {
  return `<rect ${attrs({ x, y, width: Math.max(0, width), height: Math.max(0, height), ...extra })}/>`;
}

/** A `<line>` element. */
export function line(x1: number, y1: number, x2: number, y2: number, extra: { [key: string]: string | number | undefined } = {}): string {
  return `<line ${attrs({ x1, y1, x2, y2, ...extra })}/>`;
}

/** An `<svg>` element of a given size, with a title for screen readers. */
export function svg(width: number, height: number, title: string, body: string[],
  extra: { [key: string]: string | number | undefined } = {}): string {
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" ${attrs({ width, height, viewBox: `0 0 ${n(width)} ${n(height)}`, role: 'img', ...extra })}>`,
    `<title>${esc(title)}</title>`,
    ...body,
    '</svg>',
  ].join('\n');
}

/** Colours of teams (and other series), in order; picked by index, so the same spec gets the same colours. */
export const SERIES_COLOURS = ['#1f77b4', '#ff7f0e', '#2ca02c', '#9467bd', '#8c564b', '#e377c2', '#17becf', '#bcbd22', '#7f7f7f', '#d62728'];

/** The colour of series `i` (pools). */
export function seriesColour(i: number): string {
  return SERIES_COLOURS[i % SERIES_COLOURS.length];
}

/** Colours of teams, apart from the pools' (ColorBrewer Set2, then Dark2). */
export const TEAM_COLOURS = ['#66c2a5', '#fc8d62', '#8da0cb', '#e78ac3', '#a6d854', '#ffd92f', '#e5c494', '#1b9e77', '#d95f02', '#7570b3'];

/** The colour of team `i`. */
export function teamColour(i: number): string {
  return TEAM_COLOURS[i % TEAM_COLOURS.length];
}
