import { currentScope, nearest } from './activity';

const INSTALLED = Symbol.for('cdk-mpa-team-association.harness.environment-view');

/**
 * Makes `process.env` read, inside an invocation, the environment of the
 * Lambda function running (its template variables, the region, the
 * credentials and the fake's endpoints), as it would in that function's
 * sandbox; the host's AWS_* variables are hidden there. Outside any
 * invocation it reads the process's environment as before. The handler
 * sources, loaded by jest, share the process with the simulation: this is
 * their sandbox's environment. Modules loaded in isolation (the bundled
 * handler, the framework runtime) get their own `process` instead.
 * Returns the function that restores `process.env`.
 */
export function installEnvironmentView(): () => void {
  const original = process.env;
  if ((original as Record<symbol, unknown>)[INSTALLED]) return () => undefined;
  const scopedEnv = () => nearest(currentScope(), 'env')?.env;
  const hidden = (key: string | symbol) => typeof key === 'string' && key.startsWith('AWS_');
  const view = new Proxy(original, {
    get(target, key) {
      if (key === INSTALLED) return true;
      const env = scopedEnv();
      if (env && typeof key === 'string') {
        if (Object.prototype.hasOwnProperty.call(env, key)) return env[key];
        if (hidden(key)) return undefined;
      }
      return Reflect.get(target, key);
    },
    has(target, key) {
      const env = scopedEnv();
      if (env && typeof key === 'string') {
        if (Object.prototype.hasOwnProperty.call(env, key)) return true;
        if (hidden(key)) return false;
      }
      return Reflect.has(target, key);
    },
    ownKeys(target) {
      const env = scopedEnv();
      if (!env) return Reflect.ownKeys(target);
      return [...new Set([...Reflect.ownKeys(target).filter(key => !hidden(key)), ...Object.keys(env)])];
    },
    getOwnPropertyDescriptor(target, key) {
      const env = scopedEnv();
      if (env && typeof key === 'string') {
        if (Object.prototype.hasOwnProperty.call(env, key)) {
          return { value: env[key], writable: true, enumerable: true, configurable: true };
        }
        if (hidden(key)) return undefined;
      }
      return Reflect.getOwnPropertyDescriptor(target, key);
    },
  });
  process.env = view;
  return () => {
    if (process.env === view) process.env = original;
  };
}
