// Debian's headless Chromium driven by playwright-core, with the flags this machine needs (TOOLCHAIN.md):
// no sandbox as root, no background networking (the network is closed), a fresh profile each launch.
import { chromium } from "playwright-core";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

/** Launches Chromium; resolves to `{ browser, close }` (close also removes the profile). */
export async function launchChromium() {
  const profile = mkdtempSync(join(tmpdir(), "oidc-edge-chromium-"));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
      "--disable-component-update", "--disable-sync"],
  });
  return {
    context,
    close: async () => {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}
