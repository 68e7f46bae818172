// A process environment block: names compare case-insensitively and keep the case they were first set with,
// as Windows does. SETLOCAL/ENDLOCAL snapshot it (windows-formats.md §6.2).

export class Environment {
  private readonly variables: Map<string, { readonly name: string; readonly value: string }>;

  constructor(entries: Iterable<readonly [string, string]> = []) {
    this.variables = new Map();
    for (const [name, value] of entries) this.set(name, value);
  }

  /** The value, or undefined when the variable is not defined. */
  get(name: string): string | undefined {
    return this.variables.get(name.toUpperCase())?.value;
  }

  /** Sets a variable; an empty or undefined value removes it (as `set NAME=` does). */
  set(name: string, value: string | undefined): void {
    const key = name.toUpperCase();
    if (value === undefined || value === "") {
      this.variables.delete(key);
      return;
    }
    const existing = this.variables.get(key);
    this.variables.set(key, { name: existing?.name ?? name, value });
  }

  /** Every variable, sorted by name the way `set` lists them. */
  entries(): Array<{ name: string; value: string }> {
    return [...this.variables.values()].sort((a, b) =>
      a.name.toUpperCase() < b.name.toUpperCase() ? -1 : a.name.toUpperCase() > b.name.toUpperCase() ? 1 : 0,
    );
  }

  clone(): Environment {
    return new Environment([...this.variables.values()].map((v) => [v.name, v.value] as const));
  }
}
