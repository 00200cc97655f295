/** `stemma open`: the web explorer's deep link for an entity, launched in a browser when one is at hand. */
import { spawn } from 'node:child_process';

/** The explorer's URL that shows this entity's lineage (the view lives in the hash). */
export function explorerUrl(serverUrl: string, arn: string): string {
  return `${serverUrl.replace(/\/$/, '')}/#${new URLSearchParams({ arn }).toString()}`;
}

/** Tries the desktop's opener; a machine without one just prints the URL. */
export function launchBrowser(url: string): void {
  const opener = process.platform === 'darwin' ? 'open' : process.platform === 'win32' ? 'explorer' : 'xdg-open';
  const child = spawn(opener, [url], { stdio: 'ignore', detached: true });
  child.on('error', () => undefined);
  child.unref();
}
