/** Auth configuration for tests: API keys named after what they are for. */
import type { Scope } from '../../src/config/auth-config';
import type { Config } from '../../src/config/config';

/** The secret of the test key `name`. */
export const testKey = (name: string) => `${name}-key-for-tests-only`;

export const READ_WRITE: Scope[] = ['runs:read', 'runs:write'];

/** Auth on with these keys: [name, owner, scopes]. */
export const keyAuth = (...keys: Array<[name: string, owner: string, scopes: Scope[]]>): Pick<Config, 'auth'> => ({
  auth: { off: false, apiKeys: keys.map(([name, owner, scopes]) => ({ key: testKey(name), owner, scopes })) },
});
