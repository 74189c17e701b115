/**
 * Length in Unicode code points, as Go's `utf8.RuneCountInString` counts for PGV's `len`,
 * `min_len` and `max_len`: an astral character (one surrogate pair) is 1, a ZWJ emoji sequence
 * is several, and a lone surrogate counts as one.
 * @publicApi
 */
export function codePointLength(value: string): number {
  let count = 0;
  for (let index = 0; index < value.length; index++) {
    const unit = value.charCodeAt(index);
    if (unit >= 0xd800 && unit <= 0xdbff && index + 1 < value.length) {
      const next = value.charCodeAt(index + 1);
      if (next >= 0xdc00 && next <= 0xdfff) index++;
    }
    count++;
  }
  return count;
}

/** Length in bytes of the UTF-8 encoding, for PGV's `len_bytes`/`min_bytes`/`max_bytes`. @publicApi */
export function utf8ByteLength(value: string): number {
  return Buffer.byteLength(value, 'utf8');
}
