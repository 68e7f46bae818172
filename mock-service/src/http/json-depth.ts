/**
 * True when JSON `text` nests objects and arrays deeper than `max`. One pass over the characters, skipping
 * strings, so the check itself cannot overflow the stack whatever the body.
 */
export function jsonDepthExceeds(text: string, max: number): boolean {
  // Nesting deeper than `max` takes more than `max` opening brackets: a body with no more than that anywhere
  // (strings included) is answered by counting them with indexOf, without walking every character in a loop.
  // Every SideCar session body has a few dozen at most (issue 18: this walk ran on each request's body).
  if (!moreOpeningBracketsThan(text, max)) return false;
  let depth = 0;
  let inString = false;
  for (let index = 0; index < text.length; index += 1) {
    const char = text.charCodeAt(index);
    if (inString) {
      if (char === 0x5c)
        index += 1; // a backslash escapes the next character
      else if (char === 0x22) inString = false;
    } else if (char === 0x22) inString = true;
    else if (char === 0x7b || char === 0x5b) {
      depth += 1;
      if (depth > max) return true;
    } else if (char === 0x7d || char === 0x5d) depth -= 1;
  }
  return false;
}

function moreOpeningBracketsThan(text: string, max: number): boolean {
  let count = 0;
  for (const bracket of ["{", "["]) {
    for (let at = text.indexOf(bracket); at !== -1; at = text.indexOf(bracket, at + 1)) {
      count += 1;
      if (count > max) return true;
    }
  }
  return false;
}
