/** A format level (client-libs/spec/FORMAT.md §3). */
export type Level = 'TRACE' | 'DEBUG' | 'INFO' | 'WARN' | 'ERROR' | 'FATAL';

/** Field values are written as JSON scalars; anything else as its string form. */
export type FieldValue = string | number | bigint | boolean | null | undefined;
export type Fields = Record<string, FieldValue> | Map<string, FieldValue>;

/** An exception given as parts, for errors that are not `Error` objects. */
export interface ExceptionParts {
  type: string;
  message: string;
  stack?: string;
}

export interface LoggerOptions {
  /** Demo name written in the header. */
  demo?: string;
  /** Directory of the file; default `$DVIC_LOG_DIR` or `/tmp`. */
  dir?: string;
  /** Rotate when the file would exceed this; default 10 MiB. */
  maxFileBytes?: number;
  /** Bound of the in-memory buffer; default 4 MiB. */
  bufferBytes?: number;
  /** Epoch milliseconds; a seam for tests. */
  clock?: () => number;
  /** fs.writeSync-compatible; a seam for tests. */
  write?: (fd: number, buffer: Buffer, offset: number, length: number) => number;
}

export interface Dropped {
  bufferFull: number;
  writeFailed: number;
}

export declare class Logger {
  constructor(options?: LoggerOptions);
  /** Path of the current log file. */
  readonly path: string;
  /** Returns false if the line was dropped; throws RangeError for an invalid level. */
  log(level: Level, msg: unknown, fields?: Fields | null, exc?: unknown): boolean;
  trace(msg: unknown, fields?: Fields): boolean;
  debug(msg: unknown, fields?: Fields): boolean;
  info(msg: unknown, fields?: Fields): boolean;
  warn(msg: unknown, fields?: Fields): boolean;
  error(msg: unknown, fieldsOrError?: Fields | Error, err?: unknown): boolean;
  fatal(msg: unknown, fieldsOrError?: Fields | Error, err?: unknown): boolean;
  /** Write everything buffered so far, synchronously. */
  flush(): void;
  /** Flush and stop; later calls return false. */
  close(): void;
  /** Drops not yet reported in the file. */
  dropped(): Dropped;
}

export declare const LEVELS: readonly Level[];
export declare const version: string;
declare const dvicLog: { Logger: typeof Logger; LEVELS: readonly Level[]; version: string };
export default dvicLog;
