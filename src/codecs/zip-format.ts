/**
 * The zip file format at the byte level (PKWARE's APPNOTE.TXT): record signatures and sizes, field
 * values and limits shared by the archive reader (zip-archive-read.ts) and writer
 * (zip-archive-write.ts).
 * @module
 */

export const SIG_LOCAL = 0x04034b50;
export const SIG_CENTRAL = 0x02014b50;
export const SIG_END = 0x06054b50;
export const SIG_ZIP64_END = 0x06064b50;
export const SIG_ZIP64_LOCATOR = 0x07064b50;
export const LOCAL_BYTES = 30;
export const CENTRAL_BYTES = 46;
export const END_BYTES = 22;
export const ZIP64_END_BYTES = 56;
export const ZIP64_LOCATOR_BYTES = 20;
export const U16_MAX = 0xffff;
export const U32_MAX = 0xffffffff;
/** Extra field id of the ZIP64 extended information. */
export const ZIP64_EXTRA = 0x0001;
/** General purpose flag bit 11: the name is UTF-8. */
export const FLAG_UTF8 = 0x0800;
export const METHOD_STORE = 0;
export const METHOD_DEFLATE = 8;
