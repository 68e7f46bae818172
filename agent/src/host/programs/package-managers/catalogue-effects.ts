// What a package from the modelled catalogue leaves on the device when a package manager installs it, and
// what its removal takes away: the package's own files and registry values, and the Add/Remove Programs
// entry its installer registers (which `winget list` and detection rules read). choco and winget share it.
import type { CataloguePackage } from "../../process/outside-world.ts";
import type { Host } from "../../types.ts";

// Package managers run package installers as 64-bit SYSTEM processes (paths and registry in the 64-bit view).
const INSTALLER = { account: "system", bitness: 64 } as const;
const UNINSTALL = "HKLM\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Uninstall";

/** The Add/Remove Programs key of a catalogue package (our naming: the manager's id). */
export function uninstallKeyOf(pkg: Pick<CataloguePackage, "id">): string {
  return `${UNINSTALL}\\${pkg.id}`;
}

/** Applies the package's effects in the 64-bit view (package managers run their installers 64-bit). */
export function applyPackage(host: Host, pkg: CataloguePackage): void {
  host.registry.transaction(() => {
    for (const file of pkg.files ?? []) {
      const path = host.expandEnvironment(file.path, INSTALLER);
      host.fs.writeFile(
        path,
        file.content,
        file.version === undefined ? undefined : { version: file.version },
      );
    }
    for (const entry of pkg.registry ?? [])
      host.registry.setValue(entry.key, entry.name, entry.value, { view: 64 });
    const key = uninstallKeyOf(pkg);
    host.registry.setValue(key, "DisplayName", { type: "REG_SZ", data: pkg.name ?? pkg.id }, { view: 64 });
    host.registry.setValue(key, "DisplayVersion", { type: "REG_SZ", data: pkg.version }, { view: 64 });
  });
}

/** Removes what `applyPackage` wrote (files, then the Add/Remove Programs entry). */
export function removePackage(host: Host, pkg: CataloguePackage): void {
  for (const file of pkg.files ?? []) {
    const path = host.expandEnvironment(file.path, INSTALLER);
    if (host.fs.stat(path) !== undefined) host.fs.remove(path);
  }
  if (host.registry.keyExists(uninstallKeyOf(pkg), { view: 64 }))
    host.registry.deleteKey(uninstallKeyOf(pkg), { view: 64 });
}

/** The version the device has registered for a package, or undefined when it is not installed. */
export function installedVersion(host: Host, pkg: Pick<CataloguePackage, "id">): string | undefined {
  const value = host.registry.getValue(uninstallKeyOf(pkg), "DisplayVersion", { view: 64 });
  return value?.type === "REG_SZ" ? value.data : undefined;
}
