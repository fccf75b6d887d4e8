/**
 * A QR code drawn with text: two modules per character cell (upper and lower
 * half blocks), so it stays square in a terminal and small enough to scan.
 *
 * Light modules are drawn and dark ones left blank: terminals are mostly light
 * text on a dark background, which then shows the code dark-on-light as
 * scanners expect, quiet zone included.
 *
 * @see https://www.iso.org/standard/62021.html (ISO/IEC 18004, quiet zone)
 */
import { encode } from "uqr";

/** Modules of light margin around the code; the standard asks for 4, phones read 2 fine and it saves lines. */
export const QUIET_ZONE = 2;

/** `text` as a QR code, one string per terminal line. Low error correction keeps it small. */
export function qrLines(text: string): string[] {
  const { data } = encode(text, { ecc: "L", border: QUIET_ZONE });
  const size = data.length;
  const light = (row: number, column: number) => row >= size || !data[row][column];
  const lines: string[] = [];
  for (let row = 0; row < size; row += 2) {
    let line = "";
    for (let column = 0; column < size; column++) {
      const top = light(row, column);
      const bottom = light(row + 1, column);
      line += top && bottom ? "█" : top ? "▀" : bottom ? "▄" : " ";
    }
    lines.push(line);
  }
  return lines;
}
