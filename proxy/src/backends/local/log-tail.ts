/**
 * Where the last N lines of a log file start, found by reading backwards from the end in fixed chunks: a tail
 * of a 700 MB log costs a few chunks, not the file. Bounded in bytes as well as lines, so one enormous line (or
 * a file with no newline at all) cannot make a tail read the whole file.
 */
import type { FileHandle } from 'node:fs/promises';

const CHUNK = 64 * 1024;
const NEWLINE = 0x0a;

/** Most bytes a tail reads back from the end (10,000 lines of 1.6 KB). */
export const MAX_TAIL_BYTES = 16 * 1024 * 1024;

/**
 * The byte offset where the last `lines` complete lines begin (a trailing unterminated line is not counted:
 * it is still being written). When they span more than `maxBytes`, the first line start within the last
 * `maxBytes`, or, with no newline there, `size - maxBytes` itself.
 */
export async function tailStart(
  handle: FileHandle,
  size: number,
  lines: number,
  maxBytes = MAX_TAIL_BYTES
): Promise<number> {
  const floor = Math.max(0, size - maxBytes);
  const buffer = Buffer.alloc(CHUNK);
  // The newline that ends the last complete line counts too: we look for lines + 1 newlines from the end.
  let wanted = lines + 1;
  let oldestNewline = -1;
  let end = size;
  while (end > floor) {
    const start = Math.max(floor, end - CHUNK);
    const { bytesRead } = await handle.read(buffer, 0, end - start, start);
    for (let i = bytesRead - 1; i >= 0; i--) {
      if (buffer[i] === NEWLINE) {
        oldestNewline = start + i;
        if (--wanted === 0) {
          return oldestNewline + 1;
        }
      }
    }
    end = start;
  }
  if (floor === 0) {
    return 0; // fewer lines than asked for: the whole (small) file
  }
  // Hit the byte bound: start at a line boundary inside it when there is one, so no line is cut.
  return oldestNewline >= 0 && oldestNewline + 1 < size ? oldestNewline + 1 : floor;
}
