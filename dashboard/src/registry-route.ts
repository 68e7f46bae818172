// Routes #/registry, #/folders and #/downloads (issue 17's registry-and-folders part) for main.ts, which gives
// them one branch: fetch the view's data, draw it, and hand back a redraw for live runs (downloads follow new
// events; registry and folders are read again when the reader moves to another step).
import { api } from "./api.ts";
import { renderDownloads } from "./downloads.ts";
import { renderFolders } from "./folders.ts";
import { renderRegistry } from "./registry.ts";

export const REGISTRY_VIEWS = ["registry", "folders", "downloads"] as const;
export type RegistryViewName = (typeof REGISTRY_VIEWS)[number];

export const isRegistryView = (name: string): name is RegistryViewName =>
  (REGISTRY_VIEWS as readonly string[]).includes(name);

/** Shows one of the three views; the result is called when the device's events change (live). */
export async function showRegistryView(
  name: RegistryViewName,
  root: HTMLElement,
  deviceId: string,
  seq: number | undefined,
  startMs: number,
): Promise<(() => void) | undefined> {
  if (name === "registry") {
    renderRegistry(root, await api.registry(deviceId, seq), startMs);
    return undefined;
  }
  if (name === "folders") {
    renderFolders(root, await api.folders(deviceId, seq), startMs);
    return undefined;
  }
  const redraw = renderDownloads(root, await api.downloads(deviceId), startMs);
  return () => {
    // A reader who moved to another view while the data was on its way keeps that view.
    const shown = location.hash;
    void api.downloads(deviceId).then((data) => {
      if (location.hash === shown) redraw(data);
    });
  };
}
