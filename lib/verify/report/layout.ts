/**
 * Deterministic box layout for the report's diagrams: boxes of text lines in rows that wrap
 * at a width, either flowing (each box as wide as its text) or on a regular grid (every box
 * as wide as the widest, so the gutters between columns line up from row to row and lines can
 * be routed through them).
 */
import { CHAR_PX, LINE_PX, rect, text, textWidth } from './svg';

/** One line of a box. */
export interface BoxLine {
  readonly text: string;
  /**
   * Colour of a marker drawn before the line (the line is then an edge's start).
   * @default - no marker
   */
  readonly marker?: string;
  /**
   * Key of the line, for edges that start at it.
   * @default - none
   */
  readonly key?: string;
  /**
   * CSS class of the line's text.
   * @default - none
   */
  readonly cls?: string;
}

/** A box to lay out. */
export interface Box {
  /** Key of the box (edges end at boxes by key). */
  readonly key: string;
  /** Title line. */
  readonly title: string;
  /** Further lines. */
  readonly lines: BoxLine[];
  /** CSS class of the box (its colours). */
  readonly cls: string;
}

/** A box with its place. */
export interface PlacedBox {
  readonly box: Box;
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
  /** Row index within its layout. */
  readonly row: number;
}

/** Horizontal padding inside a box. */
export const PAD_X = 10;
/** Vertical padding inside a box. */
export const PAD_Y = 8;
/** Width of a line's marker and its space. */
export const MARKER_PX = 14;
/** Space between boxes. */
export const GAP = 24;

/** The width a box's text needs. */
export function boxWidth(box: Box): number {
  const lineWidths = box.lines.map((l) => textWidth(l.text) + (l.marker ? MARKER_PX : 0));
  return Math.ceil(Math.max(textWidth(box.title), ...lineWidths) + 2 * PAD_X);
}

/** The height of a box with `lines` lines under its title. */
export function boxHeight(lines: number): number {
  return 2 * PAD_Y + (1 + lines) * LINE_PX + (lines > 0 ? 4 : 0);
}

/**
 * Places boxes left to right from (x, y), wrapping before `maxWidth`; on a grid every box has
 * the widest box's width. Boxes of one row share the row's height.
 * @returns the placed boxes and the y below the last row
 */
export function layoutRows(boxes: Box[], x: number, y: number, maxWidth: number, grid: boolean,
  gap: number = GAP): { placed: PlacedBox[]; bottom: number } {
  const widths = boxes.map(boxWidth);
  const uniform = Math.max(0, ...widths);
  const placed: PlacedBox[] = [];
  let row: Array<{ box: Box; width: number }> = [];
  let rowIndex = 0;
  let top = y;
  const flush = (): void => {
    if (row.length === 0) return;
    const height = Math.max(...row.map((r) => boxHeight(r.box.lines.length)));
    let left = x;
    for (const r of row) {
      placed.push({ box: r.box, x: left, y: top, width: r.width, height, row: rowIndex });
      left += r.width + gap;
    }
    top += height + gap;
    rowIndex++;
    row = [];
  };
  let used = 0;
  boxes.forEach((box, i) => {
    const width = grid ? uniform : widths[i];
    if (row.length > 0 && used + gap + width > maxWidth) {
      flush();
      used = 0;
    }
    used += (row.length > 0 ? gap : 0) + width;
    row.push({ box, width });
  });
  flush();
  return { placed, bottom: placed.length > 0 ? top - gap : y };
}

/** Where the text of line `i` (0 is the title) of a placed box has its baseline. */
export function lineBaseline(p: PlacedBox, i: number): number {
  return p.y + PAD_Y + (i + 1) * LINE_PX - 4 + (i > 0 ? 4 : 0);
}

/** The SVG of placed boxes: a rectangle, the title, the lines (with markers). */
export function drawBoxes(placed: PlacedBox[]): string[] {
  const out: string[] = [];
  for (const p of placed) {
    out.push(`<g class="box ${p.box.cls}" data-box="${p.box.key.replace(/"/g, '')}">`);
    out.push(rect(p.x, p.y, p.width, p.height, { rx: 6 }));
    out.push(text(p.x + PAD_X, lineBaseline(p, 0), p.box.title, { class: 'title' }));
    p.box.lines.forEach((l, i) => {
      const baseline = lineBaseline(p, i + 1);
      let x = p.x + PAD_X;
      if (l.marker) {
        out.push(rect(x, baseline - 9, 9, 9, { fill: l.marker, class: 'marker' }));
        x += MARKER_PX;
      }
      // SVG collapses leading spaces: an indented line is moved instead.
      const indent = l.text.length - l.text.trimStart().length;
      out.push(text(x + indent * CHAR_PX, baseline, l.text.trimStart(), { class: l.cls }));
    });
    out.push('</g>');
  }
  return out;
}

/** Characters that fit in `px` of diagram text. */
export function charsIn(px: number): number {
  return Math.floor(px / CHAR_PX);
}
