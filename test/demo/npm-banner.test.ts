import { ERASE_BANNER, eraseNpmBanner } from '../../demo/npm-banner';

/** What `npm run demo` puts in the script's environment (npm 11), with its default log level. */
const NPM_RUN = { npm_lifecycle_event: 'demo', npm_command: 'run' };

function terminal(isTTY: boolean) {
  const written: string[] = [];
  return { isTTY, written, write: (text: string) => written.push(text) };
}

describe('npm\'s script banner', () => {
  test.each([
    ['npm run demo', NPM_RUN],
    ['npm run-script demo (older npm)', { ...NPM_RUN, npm_command: 'run-script' }],
  ])('%s on a terminal: the two banner lines and the blank line after them are erased', (_, env) => {
    const out = terminal(true);
    expect(eraseNpmBanner(out, env)).toBe(true);
    expect(out.written).toEqual([ERASE_BANNER]);
    expect(ERASE_BANNER).toBe('\u001b[3F\u001b[0J');
  });

  test.each([
    ['piped (a CI log, the demo test): nothing can be erased', true, NPM_RUN],
    ['npm run demo --silent: npm printed no banner', false, { ...NPM_RUN, npm_config_loglevel: 'silent' }],
    ['npx projen demo: npm printed no banner', false, { npm_lifecycle_event: 'npx', npm_command: 'exec' }],
    ['node demo/start.js', false, {}],
  ])('%s: the lines above stay', (_, piped, env) => {
    const out = terminal(!piped);
    expect(eraseNpmBanner(out, env)).toBe(false);
    expect(out.written).toEqual([]);
  });
});
