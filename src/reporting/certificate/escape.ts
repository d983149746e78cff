/**
 * Escaping for text that comes from a device (os info, image versions, messages quoting replies):
 * it must show as text in the certificate, never act as markup.
 */

/** C0 and C1 control characters (tab and newline kept apart), and DEL. */
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g;

/** Control characters made visible as `\xNN`, so they cannot hide or reorder text. */
export function showControls(text: string): string {
  return text.replace(CONTROL, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
}

/** Text for HTML element content and quoted attribute values. */
export function escapeHtml(text: string): string {
  return showControls(text)
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

/**
 * Text for a Markdown table cell or paragraph: one line, no code spans, links, emphasis, raw HTML
 * or cell breaks of its own (CommonMark backslash escapes; `<`, `>`, `&` as entities). Meant for
 * inline places (cells, headings after their marker), where `#`, `-` and `+` mean nothing.
 */
export function escapeMarkdown(text: string): string {
  return showControls(text)
    .replace(/[\r\n\t]+/g, ' ')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/[\\`*_[\]|~]/g, (c) => `\\${c}`);
}
