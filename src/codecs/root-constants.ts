/**
 * Constants of ROOT's streaming format (TBufferFile), shared by the ROOT reader and writer.
 * @module
 */

/** `kByteCountMask`: bit 30 of a 4-byte byte count says "this is a byte count" (the count is the other 30 bits). */
export const BYTE_COUNT_MASK = 0x40000000;
/** `kByteCountVMask`: the same bit as seen in the high 2 bytes read as a version. */
export const BYTE_COUNT_VMASK = 0x4000;
/** `kClassMask`: bit 31 of an object tag, a reference to a class tag written earlier in the same buffer. */
export const CLASS_MASK = 0x80000000;
/** `kNewClassTag`: precedes a class name written for the first time (NUL-terminated). */
export const NEW_CLASS_TAG = 0xffffffff;
/** `kMapOffset`: offsets of tags are displacements + 2, so that 0 can mean null (1 is the parent). */
export const MAP_OFFSET = 2;
/** `kMaxMapCount`: the largest byte count ROOT can store (the bit above is the byte-count mask). */
export const MAX_BYTE_COUNT = 0x3ffffffe;
/** `kStreamedMemberWise`: version bit of member-wise streamed collections. */
export const STREAMED_MEMBER_WISE = 0x4000;
/** TObject::fBits `kIsReferenced`: a 2-byte process id follows the TObject. */
export const IS_REFERENCED = 1 << 4;
/** Is this machine little-endian (ROOT data are big-endian)? */
export const LITTLE_ENDIAN_PLATFORM = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
