/**
 * `npm run demo` prints npm's two-line banner ("> <package>@<version> demo",
 * "> node demo/start.js", between blank lines) before the demo starts. Only
 * npm's silent log level leaves it out, and that hides npm's own errors too.
 * On a terminal, the demo's first screen starts with its own words: it moves
 * the cursor back over the two banner lines and the blank line after them,
 * and erases them. Piped output (a CI
 * log, a test) keeps them: nothing there can be erased.
 */

/** Cursor to the start of the line three lines up, then erase to the end of the screen. */
export const ERASE_BANNER = '\x1b[3F\x1b[0J';

/** Erases npm's banner when npm printed one to this terminal; answers whether it did. */
export function eraseNpmBanner(stdout: { readonly isTTY?: boolean; write(text: string): unknown }, env: NodeJS.ProcessEnv): boolean {
  const printedByNpm = env.npm_lifecycle_event === 'demo'
    && (env.npm_command === 'run' || env.npm_command === 'run-script')
    && env.npm_config_loglevel !== 'silent';
  if (!stdout.isTTY || !printedByNpm) return false;
  stdout.write(ERASE_BANNER);
  return true;
}
