/**
 * The look shared by every SVG hist-serial draws (inspect --svg, fit hist --svg).
 * @module
 */

/** Font stack: DejaVu Sans where installed (rsvg-convert, browsers on Linux), then common sans fonts. */
export const FONT = 'DejaVu Sans, Verdana, Helvetica, Arial, sans-serif';
/** Text and axes. */
export const INK = '#222222';
/** Notes and secondary text. */
export const MUTED = '#666666';
/** Grid lines. */
export const GRID = '#e6e6e6';
