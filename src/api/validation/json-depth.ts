/**
 * How deeply a request's JSON may nest arrays and objects. JSON.parse takes any depth, but what
 * handles the value next recurses (validation, the payload converter's JSON.stringify): a body of
 * `[[[[…]]]]` 100,000 deep would end in a stack overflow, a 500 on user input. Checked on the text,
 * before it is parsed, in one pass.
 */
export const MAX_JSON_DEPTH = 128;

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPENERS = new Set([0x5b, 0x7b]);
const CLOSERS = new Set([0x5d, 0x7d]);

/** Whether JSON `text` nests deeper than MAX_JSON_DEPTH (brackets inside strings do not count). */
export function nestsTooDeep(text: Buffer | string): boolean {
  const bytes = typeof text === 'string' ? Buffer.from(text) : text;
  let depth = 0;
  let inString = false;
  for (let index = 0; index < bytes.length; index++) {
    const byte = bytes[index];
    if (inString) {
      if (byte === BACKSLASH) index++;
      else if (byte === QUOTE) inString = false;
    } else if (byte === QUOTE) inString = true;
    else if (OPENERS.has(byte)) {
      if (++depth > MAX_JSON_DEPTH) return true;
    } else if (CLOSERS.has(byte)) depth--;
  }
  return false;
}

export const tooDeepMessage = (what: string) => `${what} nests arrays and objects more than ${MAX_JSON_DEPTH} deep`;
