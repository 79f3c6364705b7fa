/** The hist-serial version, written to `writer_info["hist-serial"].version`. A test keeps it equal to package.json. */
export const VERSION = '0.1.0';
/** Newest `uhi_schema` this version reads and the one it writes. */
export const UHI_SCHEMA_VERSION = 1;
