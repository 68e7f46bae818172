// Splitting the first word off a command line: a quoted word runs to its closing quote.

/** The first word (quotes kept) and the rest of the text, spacing kept. */
export function splitFirstWord(text: string): [string, string] {
  const trimmed = text.trimStart();
  if (trimmed.startsWith('"')) {
    const close = trimmed.indexOf('"', 1);
    if (close < 0) return [trimmed, ""];
    let end = close + 1;
    while (end < trimmed.length && !/\s/.test(trimmed[end]!)) end += 1;
    return [trimmed.slice(0, end), trimmed.slice(end)];
  }
  const match = /^\S+/.exec(trimmed);
  const word = match?.[0] ?? "";
  return [word, trimmed.slice(word.length)];
}
